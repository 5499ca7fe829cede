import { egressRequestCreatePermission } from '@backstage-egress/plugin-egress-common';
import { usePermission } from '@backstage/plugin-permission-react';
import Button from '@material-ui/core/Button';
import { EGRESS_SCOPE } from '../common/accessibleStyles';
import Dialog from '@material-ui/core/Dialog';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import { useState } from 'react';
import { EgressRequest } from '../../api/types';
import { ClusterChoice, EgressRequestForm } from './EgressRequestForm';

/**
 * The "Request outbound access" button and its form dialog; shown only to
 * users allowed to request egress for this entity.
 */
export const RequestAccessButton = (props: {
  entityRef: string;
  namespace: string;
  clusters: ClusterChoice[];
  onCreated: (request: EgressRequest) => void;
}) => {
  const { entityRef } = props;
  const [open, setOpen] = useState(false);
  const { allowed } = usePermission({
    permission: egressRequestCreatePermission,
    resourceRef: entityRef,
  });
  if (!allowed) return null;
  return (
    <>
      <Button variant="contained" color="primary" onClick={() => setOpen(true)}>
        Request outbound access
      </Button>
      <Dialog
        className={EGRESS_SCOPE}
        open={open}
        onClose={() => setOpen(false)}
        fullWidth
        maxWidth="md"
        aria-labelledby="egress-request-form-title"
      >
        <DialogTitle id="egress-request-form-title">Request outbound access</DialogTitle>
        <DialogContent dividers>
          <EgressRequestForm
            {...props}
            onCancel={() => setOpen(false)}
            onCreated={request => {
              setOpen(false);
              props.onCreated(request);
            }}
          />
        </DialogContent>
      </Dialog>
    </>
  );
};
