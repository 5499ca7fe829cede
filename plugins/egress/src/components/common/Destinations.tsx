import { TableColumn } from '@backstage/core-components';
import Link from '@material-ui/core/Link';
import { Fragment, ReactNode } from 'react';
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

/**
 * The table column of a request's destinations: each a button opening the
 * request, searchable and sortable by host; `details` adds a line below.
 */
export function destinationColumn(
  title: string,
  onOpenRequest: (id: string) => void,
  details?: (request: EgressRequest) => ReactNode,
): TableColumn<EgressRequest> {
  return {
    title,
    field: 'hosts',
    customFilterAndSearch: (term, r) => destinationsOf(r).join(' ').includes(String(term)),
    customSort: (a, b) => destinationsOf(a)[0].localeCompare(destinationsOf(b)[0]),
    render: r => (
      <>
        <Link component="button" variant="body2" style={{ textAlign: 'left' }} onClick={() => onOpenRequest(r.id)}>
          <Destinations request={r} />
        </Link>
        {details?.(r)}
      </>
    ),
  };
}
