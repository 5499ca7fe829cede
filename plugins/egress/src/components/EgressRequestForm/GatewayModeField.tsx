import TextField from '@material-ui/core/TextField';
import { ReactNode } from 'react';
import { DraftFields } from '../../hooks/useRequestDraft';

type Mode = DraftFields['gatewayMode'];

const HELP =
  "Mutual: sidecars reach the egress gateway over Istio mutual TLS and an AuthorizationPolicy admits only namespaces approved for the host. Passthrough: the gateway forwards the TLS stream by SNI and checks no namespace. The platform's policy decides which you may choose.";

/** The egress gateway mode the request asks for, shown only when it routes through the gateway. */
export function GatewayModeField(props: { value: Mode; onChange: (mode: Mode) => void; error: boolean; helperText?: ReactNode }) {
  return (
    <TextField
      id="egress-gateway-mode"
      select
      fullWidth
      variant="outlined"
      label="Gateway mode"
      value={props.value}
      onChange={e => props.onChange(e.target.value as Mode)}
      error={props.error}
      helperText={props.helperText ?? HELP}
      SelectProps={{ native: true }}
      InputLabelProps={{ shrink: true }}
    >
      <option value="">Each cluster's mode</option>
      <option value="mutual">Mutual (mutual TLS and a per-host AuthorizationPolicy)</option>
      <option value="passthrough">Passthrough (TLS forwarded by SNI)</option>
    </TextField>
  );
}
