import { LoggerService } from '@backstage/backend-plugin-api';
import { SignalsService } from '@backstage/plugin-signals-node';
import {
  EGRESS_SIGNAL_CHANNEL,
  RequestChangedSignal,
} from '@backstage-egress/plugin-egress-common';
import { EgressStore, NewAuditEvent } from '../database/EgressStore';
import { EgressNotifier } from './notifier';

/**
 * Tells open pages that a request changed (Backstage signals, broadcast: the
 * message names the request, never its content) and its requester that it
 * could not be applied. Fed by every audit event, so no state change is
 * missed; failures here are logged and never fail the change itself.
 */
export class RequestChanges {
  constructor(
    private readonly options: {
      store: EgressStore;
      notifier: EgressNotifier;
      logger: LoggerService;
      signals?: SignalsService;
    },
  ) {}

  async changed(requestId: string, event: NewAuditEvent): Promise<void> {
    try {
      const request = await this.options.store.getRequest(requestId);
      if (!request) return;
      const message: RequestChangedSignal = {
        requestId,
        entityRef: request.entityRef,
        status: request.status,
        action: event.action,
      };
      await this.options.signals?.publish({
        recipients: { type: 'broadcast' },
        channel: EGRESS_SIGNAL_CHANNEL,
        message,
      });
      if (event.action === 'apply-failed' && event.cluster) {
        // Retries fail again with backoff: tell the requester once, at the first failure.
        const target = (await this.options.store.getTargets(requestId)).find(t => t.cluster === event.cluster);
        if (target?.attempts === 1) {
          this.options.notifier.toRequester(request, `could not be applied on cluster ${event.cluster}`);
        }
      }
    } catch (error) {
      this.options.logger.warn(`Could not publish the change of request ${requestId}: ${error}`);
    }
  }
}
