import { ResponseErrorPanel, Table, TableColumn } from '@backstage/core-components';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import LinearProgress from '@material-ui/core/LinearProgress';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { egressApiRef } from '../../api/EgressApi';
import { OrphanResource } from '../../api/types';
import { formatDate } from '../common/format';

/** Asks for an optional comment, then removes one orphan. */
const RemoveDialog = (props: { orphan: OrphanResource; onClose(removed: boolean): void }) => {
  const api = useApi(egressApiRef);
  const alerts = useApi(alertApiRef);
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  const { orphan } = props;
  const title = `${orphan.kind} ${orphan.namespace}/${orphan.name}`;
  const remove = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await api.removeOrphan({ cluster: orphan.cluster, kind: orphan.kind, namespace: orphan.namespace, name: orphan.name, comment });
      alerts.post({ message: `Removed ${title} from ${orphan.cluster}`, severity: 'success', display: 'transient' });
      props.onClose(true);
    } catch (e) {
      setError(e as Error);
      setBusy(false);
    }
  };
  return (
    <Dialog open onClose={() => props.onClose(false)} aria-labelledby="egress-orphan-remove-title">
      <DialogTitle id="egress-orphan-remove-title">Remove {title}?</DialogTitle>
      <DialogContent>
        <Typography paragraph>
          Cluster {orphan.cluster}: {orphan.message}. The resource is deleted from the cluster and the removal is audited.
        </Typography>
        <TextField
          id="egress-orphan-comment"
          label="Comment (optional)"
          fullWidth
          multiline
          value={comment}
          onChange={e => setComment(e.target.value)}
          inputProps={{ maxLength: 2000 }}
        />
        {error && (
          <Typography color="error" role="alert">
            {error.message}
          </Typography>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={() => props.onClose(false)} disabled={busy}>
          Keep
        </Button>
        <Button color="secondary" variant="contained" onClick={remove} disabled={busy}>
          Remove
        </Button>
      </DialogActions>
    </Dialog>
  );
};

/**
 * Resources with the plugin's label that no live request accounts for, per
 * cluster (unknown request, ended request, unused lockdown Sidecar). Nothing
 * is removed without a platform member's click.
 */
export const OrphansPanel = () => {
  const api = useApi(egressApiRef);
  const { value, loading, error, retry } = useAsyncRetry(() => api.listOrphans(), [api]);
  const [removing, setRemoving] = useState<OrphanResource>();
  if (error) return <ResponseErrorPanel error={error} />;
  if (loading && !value) return <LinearProgress aria-label="Loading orphaned resources" />;
  const columns: TableColumn<OrphanResource>[] = [
    { title: 'Kind', field: 'kind' },
    { title: 'Resource', render: o => `${o.namespace}/${o.name}` },
    { title: 'Why it is orphaned', field: 'message' },
    { title: 'Created', render: o => (o.createdAt ? formatDate(o.createdAt) : '') },
    {
      title: 'Action',
      render: o => (
        <Button size="small" variant="outlined" onClick={() => setRemoving(o)} aria-label={`Remove ${o.kind} ${o.namespace}/${o.name} from ${o.cluster}`}>
          Remove
        </Button>
      ),
    },
  ];
  return (
    <>
      <Typography variant="body2" paragraph>
        Resources created by this plugin whose request is unknown (for example after a database restore), revoked,
        expired, rejected or cancelled. They are never removed automatically.
      </Typography>
      {(value ?? []).map(c => (
        <Box key={c.cluster} mb={3} component="section" aria-label={`Orphaned resources on ${c.cluster}`}>
          {!c.synced && (
            <Typography color="error" paragraph>
              {c.cluster}: the cluster's cache has not synced{c.error ? ` (${c.error})` : ''}; this list may be incomplete.
            </Typography>
          )}
          <Table<OrphanResource>
            title={`${c.cluster}: ${c.orphans.length === 0 ? 'no orphaned resources' : `${c.orphans.length} orphaned`}`}
            options={{ paging: false, search: false, padding: 'dense' }}
            columns={columns}
            data={c.orphans}
          />
        </Box>
      ))}
      {removing && (
        <RemoveDialog
          orphan={removing}
          onClose={removed => {
            setRemoving(undefined);
            if (removed) retry();
          }}
        />
      )}
    </>
  );
};
