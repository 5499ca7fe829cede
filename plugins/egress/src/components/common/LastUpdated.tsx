import Typography from '@material-ui/core/Typography';

/** "Updated 14:02:31", and whether changes arrive live or by polling. */
export const LastUpdated = (props: { at?: Date; live?: boolean }) => {
  if (!props.at) return null;
  const time = props.at.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  return (
    <Typography variant="caption" color="textSecondary" component="p" data-testid="last-updated">
      Updated {time}
      {props.live === false ? ' (refreshes every few seconds)' : ''}
    </Typography>
  );
};
