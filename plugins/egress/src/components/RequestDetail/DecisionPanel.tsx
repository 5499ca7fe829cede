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
import { actionFor } from '../common/actions';
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

  const approveAction = actionFor(request, 'approve');
  const rejectAction = actionFor(request, 'reject');
  let own: boolean;
  let reason: string | undefined;
  let canApprove: boolean;
  let canReject: boolean;
  if (approveAction && rejectAction) {
    // The backend decides for the caller and says why not.
    if (!approveAction.shown && !rejectAction.shown) return null;
    canApprove = approveAction.allowed;
    canReject = rejectAction.allowed;
    reason = approveAction.reason ?? rejectAction.reason;
    own = !canApprove && !canReject;
  } else {
    if (loading || !allowed || request.status !== 'pending') return null;
    own = me !== undefined && me === request.requestedBy;
    reason = own ? OWN_REQUEST_REASON : undefined;
    canApprove = canReject = !own && me !== undefined;
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
      {reason && (
        <Typography variant="body2" color="textSecondary" role="note" id={`egress-decision-reason-${request.id}`} style={{ marginTop: 8 }}>
          {reason}
        </Typography>
      )}
      {error && <ResponseErrorPanel error={error} title="The decision was not saved" />}
      <div style={{ marginTop: 8 }}>
        <Button
          variant="contained"
          color="primary"
          disabled={!canApprove || busy}
          aria-describedby={reason ? `egress-decision-reason-${request.id}` : undefined}
          onClick={() => decide('approve')}
        >
          Approve
        </Button>{' '}
        <Button
          variant="outlined"
          disabled={!canReject || busy}
          aria-describedby={reason ? `egress-decision-reason-${request.id}` : undefined}
          onClick={() => decide('reject')}
        >
          Reject
        </Button>
      </div>
    </section>
  );
};
