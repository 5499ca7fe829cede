import FormControl from '@material-ui/core/FormControl';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import FormLabel from '@material-ui/core/FormLabel';
import Radio from '@material-ui/core/Radio';
import RadioGroup from '@material-ui/core/RadioGroup';
import TextField from '@material-ui/core/TextField';
import { ReactNode } from 'react';
import { DraftFields } from '../../hooks/useRequestDraft';

type Destination = DraftFields['destination'];

/**
 * Where the workloads may go: host names, or IP ranges (CIDR) for services
 * without a name. One kind per request, as the validator requires.
 */
export const DestinationFields = (props: {
  destination: Destination;
  hosts: string;
  addresses: string;
  onChooseDestination: (destination: Destination) => void;
  onChange: (field: 'hosts' | 'addresses', text: string) => void;
  messages: (field: 'hosts' | 'addresses') => ReactNode | undefined;
  hasError: (field: 'hosts' | 'addresses') => boolean;
}) => {
  const { destination, hosts, addresses, onChooseDestination, onChange, messages, hasError } = props;
  return (
    <>
      <FormControl component="fieldset">
        <FormLabel component="legend">Destination</FormLabel>
        <RadioGroup
          row
          name="egress-destination"
          value={destination}
          onChange={e => onChooseDestination(e.target.value as Destination)}
        >
          <FormControlLabel value="hosts" control={<Radio />} label="Host names" />
          <FormControlLabel value="addresses" control={<Radio />} label="IP ranges (CIDR)" />
        </RadioGroup>
      </FormControl>
      {destination === 'hosts' ? (
        <TextField
          id="egress-hosts"
          label="Hosts"
          multiline
          minRows={2}
          fullWidth
          variant="outlined"
          margin="dense"
          placeholder="api.stripe.com"
          value={hosts}
          onChange={e => onChange('hosts', e.target.value)}
          error={hasError('hosts')}
          helperText={messages('hosts') ?? 'One host per line or comma-separated; *.example.com for every host under a domain.'}
        />
      ) : (
        <TextField
          id="egress-addresses"
          label="Addresses"
          multiline
          minRows={2}
          fullWidth
          variant="outlined"
          margin="dense"
          placeholder="203.0.113.0/24"
          value={addresses}
          onChange={e => onChange('addresses', e.target.value)}
          error={hasError('addresses')}
          helperText={
            messages('addresses') ??
            'One IP range (CIDR) per line. Ranges are matched by address only (resolution NONE) and cannot use the egress gateway.'
          }
        />
      )}
    </>
  );
};
