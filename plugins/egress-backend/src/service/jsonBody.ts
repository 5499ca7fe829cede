import { serializeError } from '@backstage/errors';
import express from 'express';

/** Largest request body the API takes. */
export const BODY_LIMIT = '100kb';

/**
 * The JSON body parsing of the egress router: a body that is not JSON answers
 * 415, one over {@link BODY_LIMIT} answers 413 (the OpenAPI router would turn
 * both into 400). A request without a body (e.g. `POST .../cancel`) passes.
 */
export function jsonBody(): express.RequestHandler[] {
  const requireJson: express.RequestHandler = (req, res, next) => {
    const length = Number(req.headers['content-length'] ?? 0);
    const hasBody = req.headers['transfer-encoding'] !== undefined || length > 0;
    if (hasBody && !req.is(['application/json', '+json'])) {
      reply(req, res, 415, 'UnsupportedMediaTypeError', `Request bodies must be application/json, not ${req.headers['content-type'] ?? 'untyped'}`);
      return;
    }
    next();
  };
  const bodyErrors: express.ErrorRequestHandler = (error, req, res, next) => {
    if (error?.type === 'entity.too.large') {
      reply(req, res, 413, 'PayloadTooLargeError', `Request body too large: the limit is ${BODY_LIMIT}`);
    } else if (error?.type === 'encoding.unsupported' || error?.type === 'charset.unsupported') {
      reply(req, res, 415, 'UnsupportedMediaTypeError', error.message);
    } else {
      next(error);
    }
  };
  return [requireJson, express.json({ limit: BODY_LIMIT }), bodyErrors as unknown as express.RequestHandler];
}

/** An error answer in the shape of Backstage's error handler. */
function reply(req: express.Request, res: express.Response, statusCode: number, name: string, message: string) {
  const error = new Error(message);
  error.name = name;
  res.status(statusCode).json({
    error: serializeError(error),
    request: { method: req.method, url: req.originalUrl },
    response: { statusCode },
  });
}
