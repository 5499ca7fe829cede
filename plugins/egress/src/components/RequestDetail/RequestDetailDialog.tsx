import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Button from '@material-ui/core/Button';
import { EGRESS_SCOPE } from '../common/accessibleStyles';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { RequestDetail } from '../../api/types';
import { useLiveUpdates, useUpdatedAt } from '../../hooks/useLiveUpdates';
import { useRequestDetail } from '../../hooks/useRequestDetail';
import { LastUpdated } from '../common/LastUpdated';
import { formatDate, formatPorts, formatTime, shortRef } from '../common/format';
import { RequestStatusChip } from '../common/RequestStatusChip';
import { istioReportsError } from '../common/IstioVerdict';
import { RiskFlagChips } from '../common/RiskFlagChips';
import { YamlBlock } from '../common/YamlBlock';
import { AuditTrail } from './AuditTrail';
import { ClusterApplyState } from './ClusterApplyState';
import { DecisionPanel } from './DecisionPanel';
import { RequesterActions } from './RequesterActions';

const useStyles = makeStyles(theme => ({
  section: { marginTop: theme.spacing(3) },
  facts: {
    display: 'grid',
    gridTemplateColumns: 'max-content 1fr',
    columnGap: theme.spacing(2),
    rowGap: theme.spacing(0.5),
    margin: 0,
    '& dt': { fontWeight: theme.typography.fontWeightBold as number },
    '& dd': { margin: 0 },
  },
}));

const Section = (props: { title: string; children: React.ReactNode }) => {
  const classes = useStyles();
  return (
    <section className={classes.section} aria-label={props.title}>
      <Typography variant="h6" component="h3" gutterBottom>
        {props.title}
      </Typography>
      {props.children}
    </section>
  );
};

/** Everything about one request: what, why, risks, where applied, history, YAML. */
const RequestDetailContent = (props: {
  detail: RequestDetail;
  allowDecision: boolean;
  onChanged: () => void;
}) => {
  const { detail, allowDecision, onChanged } = props;
  const { request } = detail;
  const classes = useStyles();
  return (
    <>
      <dl className={classes.facts}>
        <dt>Status</dt>
        <dd>
          <RequestStatusChip status={request.status} displayState={request.displayState}
            istioError={istioReportsError(detail.targets)}
          />
          {request.displayState?.message && (
            <Typography variant="body2" component="span">
              {' '}
              {request.displayState.message}
            </Typography>
          )}
        </dd>
        <dt>Entity</dt>
        <dd>
          <EntityRefLink entityRef={request.entityRef} defaultKind="component" />
        </dd>
        <dt>Namespace</dt>
        <dd>{request.namespace}</dd>
        {(request.hosts ?? []).length > 0 && (
          <>
            <dt>Hosts</dt>
            <dd>{request.hosts!.join(', ')}</dd>
          </>
        )}
        {(request.addresses ?? []).length > 0 && (
          <>
            <dt>IP ranges</dt>
            <dd>{request.addresses!.join(', ')}</dd>
          </>
        )}
        <dt>Ports</dt>
        <dd>{formatPorts(request.ports)}</dd>
        <dt>Clusters</dt>
        <dd>{request.clusters.join(', ')}</dd>
        <dt>Route</dt>
        <dd>{request.viaEgressGateway ? 'Egress gateway' : 'Direct'}</dd>
        {request.viaEgressGateway && (
          <>
            <dt>Gateway mode</dt>
            <dd>{request.gatewayMode ? `${request.gatewayMode} (asked for by the request)` : "each cluster's own"}</dd>
          </>
        )}
        {request.resolution && (
          <>
            <dt>Resolution</dt>
            <dd>{request.resolution}</dd>
          </>
        )}
        <dt>Namespace lockdown</dt>
        <dd>
          {request.lockdownNamespace
            ? `Yes: only registered hosts are reachable from namespace ${request.namespace}`
            : 'No'}
        </dd>
        <dt>Namespace NetworkPolicy</dt>
        <dd>
          {request.namespaceNetworkPolicy
            ? `Yes: pods in namespace ${request.namespace} reach only istiod, the egress gateway and cluster DNS`
            : 'No'}
        </dd>
        <dt>Expires</dt>
        <dd>{request.expiresAt ? formatDate(request.expiresAt) : 'Never'}</dd>
        <dt>Requested</dt>
        <dd>
          {formatTime(request.requestedAt)} by {shortRef(request.requestedBy)}
        </dd>
        <dt>Justification</dt>
        <dd>{request.justification}</dd>
        {request.decidedBy && (
          <>
            <dt>Decided</dt>
            <dd>
              {formatTime(request.decidedAt)} by {shortRef(request.decidedBy)}
              {request.decisionComment ? `: ${request.decisionComment}` : ''}
            </dd>
          </>
        )}
        <dt>Risk flags</dt>
        <dd>
          {request.riskFlags ? <RiskFlagChips flags={request.riskFlags} /> : '—'}
        </dd>
      </dl>
      <div className={classes.section}>
        <RequesterActions request={request} onChanged={onChanged} />
        {allowDecision && <DecisionPanel request={request} onDecided={onChanged} />}
      </div>
      <Section title="Per-cluster state">
        <ClusterApplyState targets={detail.targets} />
      </Section>
      <Section title="Audit trail">
        <AuditTrail events={detail.events} />
      </Section>
      <Section title="Manifests">
        {detail.manifests.map(m => (
          <YamlBlock key={m.cluster} cluster={m.cluster} yaml={m.yaml} />
        ))}
      </Section>
    </>
  );
};

const RequestDetailLoader = (props: {
  requestId: string;
  allowDecision: boolean;
  onChanged: () => void;
}) => {
  const { value, loading, error, retry } = useRequestDetail(props.requestId);
  const { live } = useLiveUpdates(retry, { concerns: change => change.requestId === props.requestId });
  const updatedAt = useUpdatedAt(value);
  if (loading && !value) return <Progress />;
  if (error && !value) return <ResponseErrorPanel error={error} />;
  if (!value) return null;
  return (
    <>
    <LastUpdated at={updatedAt} live={live} />
    <RequestDetailContent
      detail={value}
      allowDecision={props.allowDecision}
      onChanged={() => {
        retry();
        props.onChanged();
      }}
    />
    </>
  );
};

/**
 * A request's detail in a dialog. `allowDecision` adds Approve / Reject
 * (the approvals page); cancel and revoke show wherever they are allowed.
 */
export const RequestDetailDialog = (props: {
  requestId?: string;
  onClose: () => void;
  /** Called after the request changed (cancelled, revoked, decided). */
  onChanged?: () => void;
  allowDecision?: boolean;
}) => {
  const { requestId, onClose, onChanged, allowDecision = false } = props;
  return (
    <Dialog open={Boolean(requestId)} className={EGRESS_SCOPE} onClose={onClose} fullWidth maxWidth="md" aria-labelledby="egress-request-detail-title">
      <DialogTitle id="egress-request-detail-title">Egress request</DialogTitle>
      <DialogContent dividers>
        {requestId && (
          <RequestDetailLoader
            requestId={requestId}
            allowDecision={allowDecision}
            onChanged={() => onChanged?.()}
          />
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Close</Button>
      </DialogActions>
    </Dialog>
  );
};
