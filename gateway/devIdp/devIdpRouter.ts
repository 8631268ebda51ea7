import express, { type Router } from 'express';
import { z } from 'zod';
import { DEV_TOKEN_LIFETIME_SECONDS, type DevIdentityProvider } from './DevIdentityProvider';
import { localCallersFromEnv, localCallersOnly, type LocalCallers } from './localCallers';

/**
 * The development identity provider's endpoints, served by the gateway only when it is enabled (never in
 * production): its public keys, the personas, and a token endpoint the playground's persona picker calls.
 */
export function devIdpRouter(idp: DevIdentityProvider, callers: LocalCallers = localCallersFromEnv()): Router {
  const router = express.Router();
  // One key set per issuer, as two real providers publish theirs: a citizen key never verifies a personnel token.
  router.get('/dev-idp/helseid/jwks.json', (_req, res) => {
    res.set('Cache-Control', 'no-store').json(idp.jwks('PERSONNEL'));
  });
  router.get('/dev-idp/idporten/jwks.json', (_req, res) => {
    res.set('Cache-Control', 'no-store').json(idp.jwks('CITIZEN'));
  });
  router.get('/dev-idp/personas', (_req, res) => {
    res.set('Cache-Control', 'no-store').json(
      idp.personas().map((p) => ({
        name: p.name,
        kind: p.kind,
        displayName: p.displayName,
        shows: p.shows,
        purpose: p.kind === 'PERSONNEL' ? p.purpose : 'PATRQT',
        emergencyReason: p.kind === 'PERSONNEL' ? (p.emergencyReason ?? null) : null,
      })),
    );
  });
  // `represents`: for a citizen persona, the person she acts for (null: herself), as the portal lets her choose.
  const body = z.object({ persona: z.string().max(64), reason: z.string().max(500).nullable().optional(), represents: z.string().regex(/^\d{11}$/).nullable().optional() }).strict();
  // Tokens to callers on this machine only (localCallers.ts): the personas read the whole population.
  router.post('/dev-idp/token', localCallersOnly(callers), express.json({ limit: '4kb' }), async (req, res) => {
    const parsed = body.safeParse(req.body);
    const persona = parsed.success ? idp.personas().find((p) => p.name === parsed.data.persona) : undefined;
    if (!parsed.success || !persona) {
      res.status(400).json({ error: 'invalid_request', error_description: `Send {"persona": one of ${idp.personas().map((p) => p.name).join(', ')}}` });
      return;
    }
    const { reason, represents } = parsed.data;
    const token = await idp.token(persona.name, { ...(reason === undefined ? {} : { reason }), ...(represents === undefined ? {} : { represents }) });
    res.set('Cache-Control', 'no-store').json({ access_token: token, token_type: 'Bearer', expires_in: DEV_TOKEN_LIFETIME_SECONDS });
  });
  return router;
}
