import { LoggerService } from '@backstage/backend-plugin-api';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { StoredEgressRequest } from '../database/EgressStore';

/**
 * Tells people about requests through the notifications backend. The
 * notification service's default implementation calls the notifications
 * backend over HTTP; when that backend is not installed the call fails, which
 * is logged and otherwise ignored, so the workflow never depends on it.
 */
export class EgressNotifier {
  constructor(
    private readonly service: NotificationService | undefined,
    private readonly logger: LoggerService,
    private readonly options: { approvers: string[]; linkBase?: string },
  ) {}

  /** To the approvers: a request waits for a decision. */
  pending(request: StoredEgressRequest) {
    if (this.options.approvers.length === 0) return;
    this.send(request, this.options.approvers, {
      title: `Egress request for ${request.entityRef} needs a decision`,
      description: `${request.requestedBy} asks for ${describe(request)}: ${request.justification}`,
    });
  }

  /** To the requester: approved, rejected, active, revoked or expired. */
  toRequester(request: StoredEgressRequest, what: string) {
    this.send(request, [request.requestedBy], {
      title: `Egress request for ${request.entityRef} ${what}`,
      description: `${describe(request)} (${request.status})${
        request.decisionComment ? `: ${request.decisionComment}` : ''
      }`,
    });
  }

  private send(
    request: StoredEgressRequest,
    recipients: string[],
    payload: { title: string; description: string },
  ) {
    if (!this.service) return;
    this.service
      .send({
        recipients: { type: 'entity', entityRef: recipients },
        payload: {
          ...payload,
          topic: 'egress',
          scope: `egress-request:${request.id}`,
          // The approvals page opens the request named in its query.
          link: `${this.options.linkBase ?? '/egress-approvals'}?request=${encodeURIComponent(request.id)}`,
        },
      })
      .catch(error =>
        this.logger.info(
          `Egress notification not sent (is the notifications backend installed?): ${error}`,
        ),
      );
  }
}

function describe(request: StoredEgressRequest): string {
  const to = [...(request.hosts ?? []), ...(request.addresses ?? [])].join(', ');
  const ports = request.ports.map(p => `${p.protocol}/${p.number}`).join(', ');
  return `${to} on ${ports} in ${request.clusters.join(', ')}`;
}
