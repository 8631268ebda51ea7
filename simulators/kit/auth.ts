import type { NextFunction, Request, Response } from 'express';

/** Requires `Authorization: Bearer <token>`; answers 401 as the real APIs do. */
export function requireBearer(expected: string) {
  return (req: Request, res: Response, next: NextFunction) => {
    const header = req.get('authorization') ?? '';
    if (!expected || header !== `Bearer ${expected}`) {
      res.status(401).set('WWW-Authenticate', 'Bearer').json({ error: 'invalid_token' });
      return;
    }
    next();
  };
}
