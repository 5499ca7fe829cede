import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';

const useStyles = makeStyles(theme => ({
  pre: {
    margin: 0,
    padding: theme.spacing(1.5),
    overflow: 'auto',
    maxHeight: 360,
    fontSize: theme.typography.caption.fontSize,
    backgroundColor: theme.palette.background.default,
    color: theme.palette.text.primary,
    border: `1px solid ${theme.palette.divider}`,
    borderRadius: theme.shape.borderRadius,
    // Scrollable, so keyboard users must be able to focus (and scroll) it.
    '&:focus-visible': { outline: `3px solid ${theme.palette.primary.main}`, outlineOffset: 2 },
  },
}));

/** The exact YAML applied to one cluster. */
export const YamlBlock = (props: { cluster: string; title?: string; yaml: string }) => {
  const classes = useStyles();
  return (
    <div>
      <Typography variant="subtitle2" component="h4" gutterBottom>
        {props.title ?? props.cluster}
      </Typography>
      <pre
        className={classes.pre}
        role="region"
        // A scrolling region must take keyboard focus to be scrolled (WCAG 2.1.1, axe scrollable-region-focusable).
        // eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex
        tabIndex={0}
        aria-label={`YAML for cluster ${props.cluster}`}
      >
        {props.yaml}
      </pre>
    </div>
  );
};
