import { Content, ContentHeader } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Tab from '@material-ui/core/Tab';
import Tabs from '@material-ui/core/Tabs';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import { EGRESS_SCOPE, useAccessibleStyles } from '../common/accessibleStyles';
import { useSearchParams } from 'react-router-dom';
import { EgressCluster } from '../../api/types';
import { useClusters } from '../../hooks/useClusters';
import { ApprovalQueue } from './ApprovalQueue';
import { OrphansPanel } from './OrphansPanel';

const NO_CLUSTERS: EgressCluster[] = [];

/** The platform team's page for deciding egress requests. */
export const ApprovalsPage = () => {
  useAccessibleStyles();
  const [view, setView] = useState<'pending' | 'history' | 'orphans'>('pending');
  // The cluster filter degrades to "all clusters" when the list cannot be read.
  const { value: clusters } = useClusters();
  // A notification links here with ?request=<id>: open that request.
  const [params] = useSearchParams();
  return (
    <main className={EGRESS_SCOPE}>
    <Content>
      <ContentHeader title="Egress approvals" />
      <Typography variant="body1" paragraph>
        Requests for outbound access wait here for a platform-team decision.
      </Typography>
      <Tabs
        value={view}
        onChange={(_e, next) => setView(next)}
        indicatorColor="primary"
        aria-label="Approval views"
      >
        <Tab label="Pending" value="pending" id="egress-tab-pending" aria-controls="egress-panel-pending" />
        <Tab label="History" value="history" id="egress-tab-history" aria-controls="egress-panel-history" />
        <Tab label="Orphaned resources" value="orphans" id="egress-tab-orphans" aria-controls="egress-panel-orphans" />
      </Tabs>
      <Box
        mt={2}
        role="tabpanel"
        id={`egress-panel-${view}`}
        aria-labelledby={`egress-tab-${view}`}
      >
        {view === 'orphans' ? (
          <OrphansPanel />
        ) : (
          <ApprovalQueue
            key={view}
            view={view}
            clusters={clusters ?? NO_CLUSTERS}
            initialRequest={view === 'pending' ? params.get('request') ?? undefined : undefined}
          />
        )}
      </Box>
    </Content>
    </main>
  );
};
