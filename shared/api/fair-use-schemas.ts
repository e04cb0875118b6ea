/**
 * The wire shape of a plant's request limits (issue 17, shared/domain/fair-use.ts), for the
 * platform operator's route that sets them (with the plant administration routes) and the CLI.
 */
import * as z from 'zod/mini';
import { RATE_LIMIT_BOUNDS } from '../domain/fair-use.ts';
import { meta } from './schemas.ts';

export const RateLimitsSchema = z.object({
  requestsPerSecond: z.number().check(z.gte(RATE_LIMIT_BOUNDS.requestsPerSecond.min), z.lte(RATE_LIMIT_BOUNDS.requestsPerSecond.max)),
  burst: z.int().check(z.gte(RATE_LIMIT_BOUNDS.burst.min), z.lte(RATE_LIMIT_BOUNDS.burst.max)),
});

/** A plant's limits as read: its own when a platform operator set them, else the deployment's default. */
export const PlantRateLimitsSchema = z.object({
  tenantId: z.string(),
  limits: RateLimitsSchema,
  /** `plant`: set for this plant by a platform operator; `default`: every plant's. */
  source: z.enum(['plant', 'default']),
  setBy: z.optional(z.string()),
  setAt: z.optional(z.string()),
});

/** The body of PUT /v1/plants/{id}/rate-limits: both limits, nothing else. */
export const SetRateLimitsSchema = meta(
  z.strictObject(RateLimitsSchema.shape),
  'SetRateLimits',
  "A plant's own request limits: `requestsPerSecond` (the sustained rate) and `burst` (how many may come at once after a quiet spell).",
);
