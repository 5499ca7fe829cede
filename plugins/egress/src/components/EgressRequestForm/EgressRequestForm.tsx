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
import { ReactNode, useState } from 'react';
import { egressApiRef } from '../../api/EgressApi';
import { EgressRequest } from '../../api/types';
import { useEgressPolicy } from '../../hooks/useEgressPolicy';
import { DraftField, useRequestDraft } from '../../hooks/useRequestDraft';
import { usePreview } from '../../hooks/usePreview';
import { RiskFlagChips } from '../common/RiskFlagChips';
import { YamlBlock } from '../common/YamlBlock';
import { DestinationFields } from './DestinationFields';
import { fieldMessages } from './FieldMessages';
import { PolicyVerdict } from './PolicyVerdict';
import { PortRows } from './PortRows';

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
  const policy = useEgressPolicy();
  const form = useRequestDraft({
    entityRef,
    namespace,
    knownClusters: clusters.map(c => c.name),
    policy,
  });
  const preview = usePreview(form.draft, form.valid);
  const [submitting, setSubmitting] = useState(false);
  const [submitError, setSubmitError] = useState<Error>();
  const { fields, update } = form;

  const text = (field: DraftField) => fieldMessages(form.errorsOf(field), form.warningsOf(field));
  const hasError = (field: DraftField) => form.errorsOf(field).length > 0;
  const protocols = (policy.allowedProtocols ?? PROTOCOLS) as Protocol[];
  const denied = preview.value?.policy?.verdict === 'denied';
  const serverErrors = preview.value && !preview.value.valid ? preview.value.errors : [];

  const submit = async () => {
    if (!form.valid) {
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
            helperText={text('viaEgressGateway')}
          />
        </Grid>
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
        {serverErrors.map(issue => (
          <Typography key={issue.message} color="error" variant="body2">
            {issue.message}
          </Typography>
        ))}
        {!preview.loading && preview.value?.policy && (
          <>
            <PolicyVerdict policy={preview.value.policy} />
            <div className={classes.section}>
              <Typography variant="subtitle2">Risk flags</Typography>
              <RiskFlagChips flags={preview.value.riskFlags} />
            </div>
            <div className={classes.section}>
              <Typography variant="subtitle2">What will be applied</Typography>
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
          disabled={submitting || denied}
        >
          Submit request
        </Button>
        {onCancel && (
          <Button style={{ marginLeft: 8 }} onClick={onCancel}>
            Close
          </Button>
        )}
      </div>
    </form>
  );
};
