import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { DRAFT_LIMITS, PROTOCOLS, Protocol } from '@backstage-egress/plugin-egress-common';
import Button from '@material-ui/core/Button';
import Checkbox from '@material-ui/core/Checkbox';
import FormControl from '@material-ui/core/FormControl';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import FormGroup from '@material-ui/core/FormGroup';
import FormHelperText from '@material-ui/core/FormHelperText';
import FormLabel from '@material-ui/core/FormLabel';
import Grid from '@material-ui/core/Grid';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { ReactNode, useMemo, useState } from 'react';
import { egressApiRef } from '../../api/EgressApi';
import { EgressRequest } from '../../api/types';
import { usePolicySummary } from '../../hooks/usePolicySummary';
import { RequestDetailDialog } from '../RequestDetail/RequestDetailDialog';
import { DraftField, useRequestDraft } from '../../hooks/useRequestDraft';
import { usePreview } from '../../hooks/usePreview';
import { RiskFlagChips } from '../common/RiskFlagChips';
import { YamlBlock } from '../common/YamlBlock';
import { DestinationFields } from './DestinationFields';
import { fieldMessages, plainMessage } from './FieldMessages';
import { serverIssuesOf } from './serverIssues';
import { PolicyVerdict } from './PolicyVerdict';
import { PortRows } from './PortRows';
import { GatewayModeField } from './GatewayModeField';

const useStyles = makeStyles(theme => ({
  section: { marginTop: theme.spacing(2) },
  yaml: { marginTop: theme.spacing(1) },
}));

/** A target cluster the form offers. */
export interface ClusterChoice {
  name: string;
  title: string;
}

/** A checkbox with its validation messages (or help) underneath. */
const CheckboxField = (props: {
  label: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
  error: boolean;
  helperText?: ReactNode;
  /** Id of the helper text, which then describes the checkbox. */
  helperId?: string;
}) => (
  <FormControl error={props.error}>
    <FormControlLabel
      label={props.label}
      control={
        <Checkbox
          checked={props.checked}
          onChange={e => props.onChange(e.target.checked)}
          inputProps={props.helperId ? { 'aria-describedby': props.helperId } : undefined}
        />
      }
    />
    {props.helperText && <FormHelperText id={props.helperId}>{props.helperText}</FormHelperText>}
  </FormControl>
);

/**
 * The "Request outbound access" form: validated live by the backend's own
 * validator, with the policy verdict and the exact YAML per cluster from the
 * backend's preview.
 */
export const EgressRequestForm = (props: {
  entityRef: string;
  namespace: string;
  clusters: ClusterChoice[];
  onCreated: (request: EgressRequest) => void;
  onCancel?: () => void;
}) => {
  const { entityRef, namespace, clusters, onCreated, onCancel } = props;
  const classes = useStyles();
  const egressApi = useApi(egressApiRef);
  const policy = usePolicySummary();
  // The preview of the last valid draft: its findings stay next to their
  // fields until the next preview answers.
  const [draftValid, setDraftValid] = useState(false);
  const [draftKey, setDraftKey] = useState('');
  const preview = usePreview(JSON.parse(draftKey || '{}'), draftValid);
  const serverIssues = useMemo(() => serverIssuesOf(preview.value), [preview.value]);
  const form = useRequestDraft({
    entityRef,
    namespace,
    knownClusters: clusters.map(c => c.name),
    requireJustification: policy?.requireJustification,
    serverIssues,
  });
  const key = JSON.stringify(form.draft);
  if (key !== draftKey) setDraftKey(key);
  if (form.valid !== draftValid) setDraftValid(form.valid);
  const [submitting, setSubmitting] = useState(false);
  const [submitError, setSubmitError] = useState<Error>();
  const [openRequest, setOpenRequest] = useState<string>();
  const { fields, update } = form;

  const text = (field: DraftField) => fieldMessages(form.errorsOf(field), form.warningsOf(field), setOpenRequest);
  const hasError = (field: DraftField) => form.errorsOf(field).length > 0;
  const protocols = (policy?.allowedProtocols ?? PROTOCOLS) as Protocol[];
  const denied = preview.value?.policy?.verdict === 'denied';
  // Why Submit is disabled: every problem, in plain words, before anything is sent.
  const blockers = form.allErrors.map(e => plainMessage(e.message));
  const waiting = form.valid && (preview.loading || !preview.value);
  let submitReason: string | undefined;
  if (blockers.length > 0) {
    const count = blockers.length === 1 ? 'this is' : `these ${blockers.length} are`;
    submitReason = `Submit is available once ${count} fixed: ${blockers.join('; ')}`;
  } else if (waiting) {
    submitReason = 'Checking the request against the policy…';
  }

  const submit = async () => {
    if (!form.valid || blockers.length > 0) {
      form.revealAll();
      return;
    }
    setSubmitting(true);
    setSubmitError(undefined);
    try {
      onCreated(await egressApi.createRequest(form.draft));
    } catch (e) {
      setSubmitError(e as Error);
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <form
      aria-label="Request outbound access"
      noValidate
      onSubmit={e => {
        e.preventDefault();
        submit();
      }}
    >
      <Grid container spacing={2}>
        <Grid item xs={12}>
          <DestinationFields
            destination={fields.destination}
            hosts={fields.hosts}
            addresses={fields.addresses}
            onChooseDestination={form.chooseDestination}
            onChange={update}
            messages={text}
            hasError={hasError}
          />
        </Grid>
        <Grid item xs={12}>
          <FormControl component="fieldset" fullWidth>
            <FormLabel component="legend">Ports</FormLabel>
            <PortRows
              ports={fields.ports}
              protocols={protocols}
              maxPorts={DRAFT_LIMITS.maxPorts}
              onChange={form.updatePort}
              onAdd={form.addPort}
              onRemove={form.removePort}
              messages={text}
              hasError={hasError}
            />
          </FormControl>
        </Grid>
        <Grid item xs={12}>
          <FormControl component="fieldset" error={hasError('clusters')}>
            <FormLabel component="legend">Target clusters</FormLabel>
            <FormGroup row>
              {clusters.map(cluster => (
                <FormControlLabel
                  key={cluster.name}
                  label={cluster.title}
                  control={
                    <Checkbox
                      checked={fields.clusters.includes(cluster.name)}
                      onChange={e =>
                        update(
                          'clusters',
                          e.target.checked
                            ? [...fields.clusters, cluster.name]
                            : fields.clusters.filter(c => c !== cluster.name),
                        )
                      }
                    />
                  }
                />
              ))}
            </FormGroup>
            {text('clusters') && <FormHelperText>{text('clusters')}</FormHelperText>}
          </FormControl>
        </Grid>
        <Grid item xs={12}>
          <CheckboxField
            label="Route through the egress gateway"
            checked={fields.viaEgressGateway}
            onChange={checked => update('viaEgressGateway', checked)}
            error={hasError('viaEgressGateway')}
            helperId="egress-gateway-help"
            helperText={text('viaEgressGateway')}
          />
        </Grid>
        {fields.viaEgressGateway && policy?.allowGatewayModeOverride !== 'none' && (
          <Grid item xs={12} sm={6}>
            <GatewayModeField
              value={fields.gatewayMode}
              onChange={mode => update('gatewayMode', mode)}
              error={hasError('gatewayMode')}
              helperText={text('gatewayMode')}
            />
          </Grid>
        )}
        <Grid item xs={12}>
          <CheckboxField
            label="Lock down the namespace (only registered hosts reachable)"
            checked={fields.lockdownNamespace}
            onChange={checked => update('lockdownNamespace', checked)}
            error={hasError('lockdownNamespace')}
            helperId="egress-lockdown-help"
            helperText={
              text('lockdownNamespace') ??
              `Adds a Sidecar to namespace ${namespace} with outbound mode REGISTRY_ONLY: its workloads can then reach only registered hosts (mesh services and registered external hosts), whatever the mesh-wide mode.`
            }
          />
        </Grid>
        <Grid item xs={12}>
          <CheckboxField
            label="Apply the namespace NetworkPolicy (pods reach only istiod, the egress gateway and DNS)"
            checked={fields.namespaceNetworkPolicy}
            onChange={checked => update('namespaceNetworkPolicy', checked)}
            error={hasError('namespaceNetworkPolicy')}
            helperId="egress-network-policy-help"
            helperText={
              text('namespaceNetworkPolicy') ??
              `Adds a Kubernetes NetworkPolicy to namespace ${namespace}: its pods may then open connections only to istiod, the egress gateway and cluster DNS, so a workload that bypasses its sidecar cannot reach the internet. Other in-cluster services become unreachable too. Needs the egress gateway.`
            }
          />
        </Grid>
        <Grid item xs={12}>
          <TextField
            id="egress-justification"
            label="Justification"
            multiline
            minRows={3}
            fullWidth
            variant="outlined"
            value={fields.justification}
            onChange={e => update('justification', e.target.value)}
            error={hasError('justification')}
            helperText={text('justification') ?? 'Why the workloads need this access.'}
          />
        </Grid>
        <Grid item xs={12} sm={6}>
          <TextField
            id="egress-expires-on"
            label="Expires on"
            type="date"
            fullWidth
            variant="outlined"
            InputLabelProps={{ shrink: true }}
            value={fields.expiresOn}
            onChange={e => update('expiresOn', e.target.value)}
            error={hasError('expiresOn')}
            helperText={text('expiresOn') ?? 'Optional; access is removed after this day.'}
          />
        </Grid>
      </Grid>

      {form.errorsOf('other').map(m => (
        <Typography key={m} color="error" variant="body2">
          {m}
        </Typography>
      ))}

      <div className={classes.section} aria-live="polite">
        {preview.loading && <Progress />}
        {preview.error && <ResponseErrorPanel error={preview.error} title="Preview failed" />}
        {form.valid && !preview.loading && preview.value?.policy && (
          <>
            <PolicyVerdict policy={preview.value.policy} />
            {!denied && (
            <>
            <div className={classes.section}>
              <Typography variant="subtitle2" component="h3">Risk flags</Typography>
              <RiskFlagChips flags={preview.value.riskFlags} />
            </div>
            <div className={classes.section}>
              <Typography variant="subtitle2" component="h3">What will be applied</Typography>
              <Typography variant="body2" color="textSecondary">
                Exactly what approval applies, including the annotations naming who asked and who approved.
              </Typography>
              {preview.value.manifests.map(m => (
                <div key={m.cluster} className={classes.yaml}>
                  <YamlBlock
                    cluster={m.cluster}
                    title={clusters.find(c => c.name === m.cluster)?.title}
                    yaml={m.yaml}
                  />
                </div>
              ))}
            </div>
            </>
            )}
          </>
        )}
      </div>

      {submitError && (
        <div className={classes.section}>
          <ResponseErrorPanel error={submitError} title="The request was not created" />
        </div>
      )}

      <div className={classes.section}>
        <Button
          type="submit"
          variant="contained"
          color="primary"
          disabled={submitting || denied || Boolean(submitReason)}
          aria-describedby={submitReason ? 'egress-submit-reason' : undefined}
        >
          Submit request
        </Button>
        {onCancel && (
          <Button style={{ marginLeft: 8 }} onClick={onCancel}>
            Close
          </Button>
        )}
        {submitReason && (
          <Typography id="egress-submit-reason" variant="body2" color="textSecondary" style={{ marginTop: 8 }}>
            {submitReason}
          </Typography>
        )}
      </div>
      <RequestDetailDialog requestId={openRequest} onClose={() => setOpenRequest(undefined)} />
    </form>
  );
};
