import { makeStyles } from '@material-ui/core/styles';

/**
 * A clear keyboard focus ring on buttons, links, chips and tabs (Material
 * UI's own focus tint is hard to see on contained buttons). Applies to the
 * page using it and its dialogs, and only to keyboard focus.
 */
export const useVisibleFocus = makeStyles(theme => ({
  '@global': {
    '.MuiButtonBase-root.Mui-focusVisible, a.MuiLink-root:focus-visible, button.MuiLink-root:focus-visible': {
      outline: `3px solid ${theme.palette.type === 'dark' ? '#90caf9' : '#1f5493'}`,
      outlineOffset: 2,
    },
  },
}));
