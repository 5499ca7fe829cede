import { makeStyles } from '@material-ui/core/styles';

/** Class on the plugin's page roots and dialogs: the styles below apply inside them only. */
export const EGRESS_SCOPE = 'egress-scope';

/**
 * Styles that keep the plugin's pages and dialogs readable and operable:
 * a clear keyboard focus ring on buttons, links and chips (Material UI's
 * focus tint is hard to see on contained buttons), and secondary text, form
 * labels and hints dark enough for 4.5:1 contrast (the theme's secondary grey
 * reaches 4.47:1 on white). Only keyboard focus gets the ring.
 */
export const useAccessibleStyles = makeStyles(theme => {
  const scope = `.${EGRESS_SCOPE}`;
  const muted = theme.palette.type === 'dark' ? 'rgba(255, 255, 255, 0.78)' : 'rgba(0, 0, 0, 0.7)';
  return {
    '@global': {
      [`${scope} .MuiButtonBase-root.Mui-focusVisible, ${scope} a.MuiLink-root:focus-visible, ${scope} button.MuiLink-root:focus-visible`]: {
        outline: `3px solid ${theme.palette.type === 'dark' ? '#90caf9' : '#1f5493'}`,
        outlineOffset: 2,
      },
      [`${scope} .MuiTypography-colorTextSecondary, ${scope} .MuiFormLabel-root:not(.Mui-error):not(.Mui-focused), ${scope} .MuiFormHelperText-root:not(.Mui-error)`]: {
        color: muted,
      },
    },
  };
});
