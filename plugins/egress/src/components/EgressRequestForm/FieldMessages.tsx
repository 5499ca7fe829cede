import Link from '@material-ui/core/Link';
import { Fragment, ReactNode } from 'react';

/**
 * A validator message in the user's words: without the leading API path
 * (the message sits next to its field) and with list positions and field
 * names as the form labels them.
 */
export function plainMessage(message: string): string {
  return message
    .replace(/^[A-Za-z]+(\[\d+\])?(\.[A-Za-z]+)?: /, '')
    .replace(/\bhosts\[(\d+)\]/g, (_m, i) => `host ${Number(i) + 1}`)
    .replace(/\baddresses\[(\d+)\]/g, (_m, i) => `IP range ${Number(i) + 1}`)
    .replace(/\bports\[(\d+)\]/g, (_m, i) => `port row ${Number(i) + 1}`)
    .replace(/\bendpoints\[(\d+)\]/g, (_m, i) => `endpoint ${Number(i) + 1}`)
    .replace(/\bviaEgressGateway false\b/g, '"Route through the egress gateway" unchecked')
    .replace(/\bviaEgressGateway\b/g, '"Route through the egress gateway"')
    .replace(/IP ranges in addresses|IP ranges \(addresses\)/g, 'IP ranges')
    .replace(/\baddresses \(CIDRs\)/g, 'IP ranges (CIDRs)');
}

const REQUEST_ID = /request ([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/;

/** A message, with a named request turned into a link that opens it. */
const Message = (props: { text: string; onOpenRequest?: (id: string) => void }) => {
  const text = plainMessage(props.text);
  const match = REQUEST_ID.exec(text);
  if (!match || !props.onOpenRequest) return <>{text}</>;
  const id = match[1];
  return (
    <>
      {text.slice(0, match.index)}
      <Link component="button" type="button" variant="body2" onClick={() => props.onOpenRequest!(id)} style={{ verticalAlign: 'baseline' }}>
        request {id.slice(0, 8)}
      </Link>
      {text.slice(match.index + match[0].length)}
    </>
  );
};

/**
 * A field's messages, errors first, one per line; undefined when there are
 * none so a field can fall back to its hint.
 */
export function fieldMessages(
  errors: string[],
  warnings: string[],
  onOpenRequest?: (id: string) => void,
): ReactNode | undefined {
  if (errors.length === 0 && warnings.length === 0) return undefined;
  return (
    <>
      {errors.map(m => (
        <span key={m} style={{ display: 'block' }}>
          <Message text={m} onOpenRequest={onOpenRequest} />
        </span>
      ))}
      {warnings.map(m => (
        <span key={m} style={{ display: 'block' }}>
          <Fragment>Warning: </Fragment>
          <Message text={m} onOpenRequest={onOpenRequest} />
        </span>
      ))}
    </>
  );
}
