import { ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { egressRequestRevokePermission } from '@backstage-egress/plugin-egress-common';
import { usePermission } from '@backstage/plugin-permission-react';
import Button from '@material-ui/core/Button';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import { egressApiRef } from '../../api/EgressApi';
import { EgressRequest } from '../../api/types';
import { useCurrentUserRef } from '../../hooks/useCurrentUser';

type Action = 'cancel' | 'revoke';

const CONFIRM: Record<Action, { question: string; button: string }> = {
  cancel: { question: 'Cancel this request? It will not be decided.', button: 'Yes, cancel request' },
  revoke: {
    question: 'Revoke this access? Its resources are removed from every cluster.',
    button: 'Yes, revoke access',
  },
};

/**
 * "Cancel request" (the requester, while pending) and "Revoke access" (with
 * the revoke permission on the entity, while approved or active), each asking
 * for confirmation and an optional comment.
 */
export const RequesterActions = (props: {
  request: EgressRequest;
  onChanged: (request: EgressRequest) => void;
}) => {
  const { request, onChanged } = props;
  const egressApi = useApi(egressApiRef);
  const me = useCurrentUserRef();
  const revoke = usePermission({
    permission: egressRequestRevokePermission,
    resourceRef: request.entityRef,
  });
  const [confirming, setConfirming] = useState<Action>();
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();

  // The backend's verdict for this caller when it sends one; older backends don't.
  const action = (name: Action) => request.actions?.find(a => a.name === name);
  const canCancel =
    action('cancel')?.allowed ?? (request.status === 'pending' && me === request.requestedBy);
  const canRevoke =
    action('revoke')?.allowed ??
    (revoke.allowed && (request.status === 'active' || request.status === 'approved'));
  if (!canCancel && !canRevoke) return null;

  const run = async (action: Action) => {
    setBusy(true);
    setError(undefined);
    try {
      onChanged(
        action === 'cancel'
          ? await egressApi.cancel(request.id, comment)
          : await egressApi.revoke(request.id, comment),
      );
      setConfirming(undefined);
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-label="Actions">
      {!confirming && (
        <>
          {canCancel && (
            <Button variant="outlined" onClick={() => setConfirming('cancel')}>
              Cancel request
            </Button>
          )}{' '}
          {canRevoke && (
            <Button variant="outlined" color="secondary" onClick={() => setConfirming('revoke')}>
              Revoke access
            </Button>
          )}
        </>
      )}
      {confirming && (
        <div role="group" aria-label="Confirm">
          <Typography variant="body2" paragraph>
            {CONFIRM[confirming].question}
          </Typography>
          <TextField
            id={`egress-action-comment-${request.id}`}
            label="Comment"
            fullWidth
            variant="outlined"
            value={comment}
            onChange={e => setComment(e.target.value)}
            helperText="Optional."
          />
          <div style={{ marginTop: 8 }}>
            <Button
              variant="contained"
              color="secondary"
              disabled={busy}
              onClick={() => run(confirming)}
            >
              {CONFIRM[confirming].button}
            </Button>{' '}
            <Button disabled={busy} onClick={() => setConfirming(undefined)}>
              Back
            </Button>
          </div>
        </div>
      )}
      {error && <ResponseErrorPanel error={error} title="That did not work" />}
    </section>
  );
};
