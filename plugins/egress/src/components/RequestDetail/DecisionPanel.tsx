import { ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { egressRequestApprovePermission } from '@backstage-egress/plugin-egress-common';
import { usePermission } from '@backstage/plugin-permission-react';
import Button from '@material-ui/core/Button';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import { egressApiRef } from '../../api/EgressApi';
import { EgressRequest } from '../../api/types';
import { useCurrentUserRef } from '../../hooks/useCurrentUser';

/** Shown when the approver opened their own request. */
export const OWN_REQUEST_REASON = 'You cannot approve or reject your own request';
/** Shown when Reject is pressed without a comment. */
export const REJECT_NEEDS_COMMENT = 'A comment is required to reject a request';

/**
 * Approve or reject a pending request, with a comment (required to reject).
 * Hidden without the approve permission; disabled on one's own request.
 */
export const DecisionPanel = (props: {
  request: EgressRequest;
  onDecided: (request: EgressRequest) => void;
}) => {
  const { request, onDecided } = props;
  const egressApi = useApi(egressApiRef);
  const { allowed, loading } = usePermission({ permission: egressRequestApprovePermission });
  const me = useCurrentUserRef();
  const [comment, setComment] = useState('');
  const [commentMissing, setCommentMissing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();

  // The backend's verdict for this caller when it sends one; older backends don't.
  const approve = request.actions?.find(a => a.name === 'approve');
  const own = me !== undefined && me === request.requestedBy;
  if (approve) {
    // Shown when allowed, and disabled (with the reason) on one's own pending request.
    if (!approve.allowed && !(own && allowed && request.status === 'pending')) return null;
  } else if (loading || !allowed || request.status !== 'pending') {
    return null;
  }

  const decide = async (decision: 'approve' | 'reject') => {
    if (decision === 'reject' && comment.trim() === '') {
      setCommentMissing(true);
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const decided =
        decision === 'approve'
          ? await egressApi.approve(request.id, comment)
          : await egressApi.reject(request.id, comment);
      onDecided(decided);
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-label="Decision">
      <TextField
        id={`egress-decision-comment-${request.id}`}
        label="Comment"
        multiline
        minRows={2}
        fullWidth
        variant="outlined"
        value={comment}
        disabled={own}
        onChange={e => {
          setComment(e.target.value);
          if (e.target.value.trim()) setCommentMissing(false);
        }}
        error={commentMissing}
        helperText={commentMissing ? REJECT_NEEDS_COMMENT : 'Required to reject; shown to the requester.'}
      />
      {own && (
        <Typography variant="body2" color="textSecondary" role="note" style={{ marginTop: 8 }}>
          {OWN_REQUEST_REASON}
        </Typography>
      )}
      {error && <ResponseErrorPanel error={error} title="The decision was not saved" />}
      <div style={{ marginTop: 8 }}>
        <Button
          variant="contained"
          color="primary"
          disabled={own || busy || me === undefined}
          onClick={() => decide('approve')}
        >
          Approve
        </Button>{' '}
        <Button
          variant="outlined"
          disabled={own || busy || me === undefined}
          onClick={() => decide('reject')}
        >
          Reject
        </Button>
      </div>
    </section>
  );
};
