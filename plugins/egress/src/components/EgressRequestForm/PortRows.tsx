import { Protocol } from '@backstage-egress/plugin-egress-common';
import Button from '@material-ui/core/Button';
import FormHelperText from '@material-ui/core/FormHelperText';
import Grid from '@material-ui/core/Grid';
import IconButton from '@material-ui/core/IconButton';
import TextField from '@material-ui/core/TextField';
import AddIcon from '@material-ui/icons/Add';
import DeleteIcon from '@material-ui/icons/Delete';
import { ReactNode } from 'react';
import { PortFields } from '../../hooks/useRequestDraft';

/** "Port", "Port 2", …: the first row keeps the plain labels. */
function numbered(label: string, index: number) {
  return index === 0 ? label : `${label} ${index + 1}`;
}

/**
 * The request's ports, one row each (number and protocol), with
 * "Add port" and a remove button per row once there is more than one.
 */
export const PortRows = (props: {
  ports: PortFields[];
  protocols: Protocol[];
  maxPorts: number;
  onChange: (index: number, change: Partial<PortFields>) => void;
  onAdd: () => void;
  onRemove: (index: number) => void;
  /** Messages of one row's field, or of the list as a whole (`ports`). */
  messages: (field: `port:${number}` | `protocol:${number}` | 'ports') => ReactNode | undefined;
  hasError: (field: `port:${number}` | `protocol:${number}` | 'ports') => boolean;
}) => {
  const { ports, protocols, maxPorts, onChange, onAdd, onRemove, messages, hasError } = props;
  return (
    <>
      {ports.map((port, i) => (
        <Grid container spacing={2} key={i} alignItems="flex-start">
          <Grid item xs={5}>
            <TextField
              id={i === 0 ? 'egress-port' : `egress-port-${i}`}
              label={numbered('Port', i)}
              type="number"
              fullWidth
              variant="outlined"
              margin="dense"
              value={port.number}
              onChange={e => onChange(i, { number: e.target.value })}
              error={hasError(`port:${i}`)}
              helperText={messages(`port:${i}`)}
              inputProps={{ min: 1, max: 65535 }}
            />
          </Grid>
          <Grid item xs={ports.length > 1 ? 6 : 7}>
            <TextField
              id={i === 0 ? 'egress-protocol' : `egress-protocol-${i}`}
              label={numbered('Protocol', i)}
              select
              fullWidth
              variant="outlined"
              margin="dense"
              value={port.protocol}
              onChange={e => onChange(i, { protocol: e.target.value as Protocol })}
              error={hasError(`protocol:${i}`)}
              helperText={messages(`protocol:${i}`)}
              SelectProps={{ native: true }}
            >
              {protocols.map(p => (
                <option key={p} value={p}>
                  {p}
                </option>
              ))}
            </TextField>
          </Grid>
          {ports.length > 1 && (
            <Grid item xs={1}>
              <IconButton aria-label={`Remove port ${i + 1}`} onClick={() => onRemove(i)} style={{ marginTop: 8 }}>
                <DeleteIcon />
              </IconButton>
            </Grid>
          )}
        </Grid>
      ))}
      {messages('ports') && <FormHelperText error={hasError('ports')}>{messages('ports')}</FormHelperText>}
      <div>
        <Button startIcon={<AddIcon />} size="small" onClick={onAdd} disabled={ports.length >= maxPorts}>
          Add port
        </Button>
      </div>
    </>
  );
};
