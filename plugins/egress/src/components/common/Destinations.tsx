import { Fragment } from 'react';
import { EgressRequest } from '../../api/types';

/** Hosts, or IP ranges, of a request; its id when it names neither. */
export function destinationsOf(request: Pick<EgressRequest, 'id' | 'hosts' | 'addresses'>): string[] {
  const all = [...(request.hosts ?? []), ...(request.addresses ?? [])];
  return all.length > 0 ? all : [request.id];
}

/**
 * A request's hosts or IP ranges, comma-separated; lines break between
 * entries, never inside a host name.
 */
export const Destinations = (props: { request: Pick<EgressRequest, 'id' | 'hosts' | 'addresses'> }) => (
  <>
    {destinationsOf(props.request).map((d, i) => (
      <Fragment key={d}>
        {i > 0 && ', '}
        <span style={{ whiteSpace: 'nowrap' }}>{d}</span>
      </Fragment>
    ))}
  </>
);
