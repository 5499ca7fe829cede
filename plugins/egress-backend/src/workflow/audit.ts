import { AuditorService, LoggerService } from '@backstage/backend-plugin-api';
import { Request } from 'express';
import { NewAuditEvent } from '../database/EgressStore';

/**
 * Sends the workflow's audit events to Backstage's auditor service (and to
 * `onEvent`) as well;
 * the append-only trail in the database is written by the store in the same
 * transaction as each change.
 */
export class EgressAuditor {
  constructor(
    private readonly auditor: AuditorService | undefined,
    private readonly logger: LoggerService,
    /** Called with every event, e.g. to tell open pages about the change. */
    private readonly onEvent?: (requestId: string, event: NewAuditEvent) => Promise<void>,
  ) {}

  async report(
    requestId: string,
    event: NewAuditEvent,
    options: { request?: Request; error?: string } = {},
  ): Promise<void> {
    await this.onEvent?.(requestId, event);
    if (!this.auditor) return;
    try {
      const e = await this.auditor.createEvent({
        eventId: event.action === 'transition' ? 'request-transition' : `target-${event.action}`,
        severityLevel: event.action === 'transition' ? 'medium' : 'low',
        request: options.request,
        meta: {
          requestId,
          actor: event.actor,
          ...(event.from ? { from: event.from } : {}),
          ...(event.to ? { to: event.to } : {}),
          ...(event.cluster ? { cluster: event.cluster } : {}),
          ...(event.comment ? { comment: event.comment } : {}),
        },
      });
      if (options.error) await e.fail({ error: new Error(options.error) });
      else await e.success();
    } catch (error) {
      this.logger.warn(`Could not send audit event for request ${requestId}: ${error}`);
    }
  }

  /** A platform-team member removed an orphaned resource (or tried to: `error`). */
  async reportOrphanRemoval(
    meta: { actor: string; cluster: string; kind: string; namespace: string; name: string; requestId?: string; reason: string; comment?: string },
    options: { request?: Request; error?: string } = {},
  ): Promise<void> {
    if (!this.auditor) return;
    try {
      const e = await this.auditor.createEvent({
        eventId: 'orphan-removed',
        severityLevel: 'medium',
        request: options.request,
        meta: Object.fromEntries(Object.entries(meta).filter(([, v]) => v !== undefined)),
      });
      if (options.error) await e.fail({ error: new Error(options.error) });
      else await e.success();
    } catch (error) {
      this.logger.warn(`Could not send audit event for the removal of ${meta.kind} ${meta.namespace}/${meta.name}: ${error}`);
    }
  }
}
