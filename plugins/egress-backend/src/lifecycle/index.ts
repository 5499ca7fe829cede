export {
  TRANSITIONS,
  GRANTED_STATUSES,
  LIVE_STATUSES,
  FINAL_STATUSES,
  canTransition,
  assertTransition,
} from './statuses';
export { REQUEST_ACTIONS, ACTION_TRANSITIONS, requestActions, assertAction } from './actions';
export type { ActionCaller } from './actions';
export { displayState } from './displayState';
