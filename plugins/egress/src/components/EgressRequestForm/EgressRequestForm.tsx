import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { PROTOCOLS, Protocol } from '@backstage-egress/plugin-egress-common';
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
import { useState } from 'react';
import { egressApiRef } from '../../api/EgressApi';
import { EgressRequest } from '../../api/types';
import { useEgressPolicy } from '../../hooks/useEgressPolicy';
import { DraftField, useRequestDraft } from '../../hooks/useRequestDraft';
import { usePreview } from '../../hooks/usePreview';
import { RiskFlagChips } from '../common/RiskFlagChips';
import { YamlBlock } from '../common/YamlBlock';
import { PolicyVerdict } from './PolicyVerdict';

const useStyles = makeStyles(theme => ({
  section: { marginTop: theme.spacing(2) },
  yaml: { marginTop: theme.spacing(1) },
}));

/** A target cluster the form offers. */
export interface ClusterChoice {
  name: string;
  title: string;
}

/** Messages of one field: errors, then warnings. */
function helper(errors: string[], warnings: string[]) {
  const all = [...errors, ...warnings];
  if (all.length === 0) return undefined;
  return (
    <>
      {all.map(m => (
        <span key={m} style={{ display: 'block' }}>
          {m}
        </span>
      ))}
    </>
  );
}

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

  const text = (field: DraftField) => helper(form.errorsOf(field), form.warningsOf(field));
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
          <TextField
            id="egress-hosts"
            label="Hosts"
            multiline
            minRows={2}
            fullWidth
            variant="outlined"
            placeholder="api.stripe.com"
            value={fields.hosts}
            onChange={e => update('hosts', e.target.value)}
            error={hasError('hosts')}
            helperText={text('hosts') ?? 'One host per line or comma-separated.'}
          />
        </Grid>
        <Grid item xs={6}>
          <TextField
            id="egress-port"
            label="Port"
            type="number"
            fullWidth
            variant="outlined"
            value={fields.port}
            onChange={e => update('port', e.target.value)}
            error={hasError('port')}
            helperText={text('port')}
            inputProps={{ min: 1, max: 65535 }}
          />
        </Grid>
        <Grid item xs={6}>
          <TextField
            id="egress-protocol"
            label="Protocol"
            select
            fullWidth
            variant="outlined"
            value={fields.protocol}
            onChange={e => update('protocol', e.target.value as Protocol)}
            error={hasError('protocol')}
            helperText={text('protocol')}
            SelectProps={{ native: true }}
          >
            {protocols.map(p => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </TextField>
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
          <FormControl error={hasError('viaEgressGateway')}>
            <FormControlLabel
              label="Route through the egress gateway"
              control={
                <Checkbox
                  checked={fields.viaEgressGateway}
                  onChange={e => update('viaEgressGateway', e.target.checked)}
                />
              }
            />
            {text('viaEgressGateway') && (
              <FormHelperText>{text('viaEgressGateway')}</FormHelperText>
            )}
          </FormControl>
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
