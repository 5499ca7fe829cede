import {
  Sidebar,
  SidebarDivider,
  SidebarItem,
  SidebarSpace,
} from '@backstage/core-components';
import { identityApiRef, useApi } from '@backstage/core-plugin-api';
import { NavContentComponentProps } from '@backstage/plugin-app-react';
import ExitToAppIcon from '@material-ui/icons/ExitToApp';
import { makeStyles } from '@material-ui/core/styles';

const useStyles = makeStyles({
  // Sidebar labels are cut at 110 px ("Egress approv…"): let them wrap instead.
  nav: { '& [class*="BackstageSidebarItem-label"]': { whiteSpace: 'normal', lineHeight: 1.2 } },
});

/**
 * The sidebar: every page with an icon (as the default one), then Sign out
 * at the bottom.
 */
export const AppNav = (props: NavContentComponentProps) => {
  const identityApi = useApi(identityApiRef);
  const classes = useStyles();
  return (
    <div className={classes.nav}>
    <Sidebar>
      {props.navItems.rest().map(item => (
        <SidebarItem key={item.node.spec.id} to={item.href} icon={() => item.icon} text={item.title} />
      ))}
      <SidebarSpace />
      <SidebarDivider />
      <SidebarItem icon={ExitToAppIcon} text="Sign out" onClick={() => identityApi.signOut()} />
    </Sidebar>
    </div>
  );
};
