import Link from '@material-ui/core/Link';
import Typography from '@material-ui/core/Typography';
import { RequestTarget, TargetIstioVerdict } from '../../api/types';

/** True when Istio reports an error on the resources of any of these targets. */
export function istioReportsError(targets: RequestTarget[] | undefined): boolean {
  return (targets ?? []).some(t => t.istio?.verdict === 'error');
}

const COLOR = { error: 'error', warning: 'error', accepted: 'textPrimary', unknown: 'textSecondary' } as const;

/**
 * Istio's own verdict on a request's resources in one cluster: "Istio: accepted",
 * or each message Istio wrote (code, name, the resource it is on) with a link to
 * Istio's documentation of the code.
 */
export const IstioVerdict = (props: { istio?: TargetIstioVerdict }) => {
  const { istio } = props;
  if (!istio) return null;
  const findings = istio.resources.flatMap(r =>
    r.messages.map(m => ({ resource: `${r.kind} ${r.namespace}/${r.name}`, ...m })),
  );
  if (findings.length === 0) {
    const text = istio.verdict === 'unknown' ? 'Istio: not seen yet' : 'Istio: accepted';
    return (
      <Typography variant="body2" color={COLOR[istio.verdict]}>
        {text}
      </Typography>
    );
  }
  return (
    <>
      {findings.map(f => (
        <Typography key={`${f.resource}-${f.code}-${f.message}`} variant="body2" color={f.level === 'INFO' ? 'textPrimary' : 'error'}>
          Istio {f.level.toLowerCase()}:{' '}
          {f.docUrl ? (
            <Link href={f.docUrl} target="_blank" rel="noopener noreferrer">
              {f.code}
            </Link>
          ) : (
            f.code
          )}{' '}
          {f.message !== f.code ? `${f.message} ` : ''}on {f.resource}
        </Typography>
      ))}
    </>
  );
};
