/**
 * The wire contract of the platform and plant administration (issue 17; docs/onboarding.md):
 * plants (a platform operator creates them) and a plant's users (its admins invite them and
 * give them roles).
 */
import * as z from 'zod/mini';
import { PLANT_STATUSES } from '../domain/plants/model.ts';
import { ROLES, reservedTenantReason } from '../domain/roles.ts';
import { IdSchema, meta, TenantIdSchema, Text, TimeZoneSchema, Timestamp } from './schemas.ts';

const EmailSchema = z.string().check(z.maxLength(254), z.regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'must be an e-mail address'));
/** Plant roles only: no one becomes a platform operator or an organization user through a plant. */
const PlantRolesSchema = z.array(z.enum(ROLES)).check(
  z.minLength(1),
  z.maxLength(ROLES.length),
  z.refine((roles) => new Set(roles).size === roles.length, 'names a role twice'),
);

// ---------- Plants (platform operators) ----------

/** A plant's tenant id: a tenant id that is not reserved. */
export const PlantIdSchema = TenantIdSchema.check(
  z.refine((id) => reservedTenantReason(id) === undefined, { message: 'is reserved: the platform and organizations (org-...) use it' }),
);

export const FirstAdminSchema = z.object({ userId: IdSchema, name: Text(200), email: EmailSchema });

export const CreatePlantSchema = meta(
  z.strictObject({
    tenantId: PlantIdSchema,
    name: Text(200),
    timeZone: TimeZoneSchema,
    firstAdmin: FirstAdminSchema,
  }),
  'CreatePlant',
  'A new plant (tenant): its id (lowercase letters, digits, dashes; never `platform` or `org-...`), name, IANA time zone and first admin, who is invited by e-mail.',
);

export const PlantSchema = meta(
  z.object({
    tenantId: TenantIdSchema,
    name: Text(200),
    timeZone: z.string(),
    createdAt: Timestamp,
    createdBy: z.string(),
    status: z.enum(PLANT_STATUSES),
    version: z.int(),
    updatedAt: Timestamp,
  }),
  'Plant',
  'A plant in the platform registry: `provisioning` until every step of creating it has run, then `active`.',
);

export const CreatedPlantSchema = meta(
  z.object({
    plant: PlantSchema,
    firstAdmin: z.object({
      userId: z.string(),
      /** Only when no e-mail carried it (the local runtime sends no mail): shown once, never stored. */
      temporaryPassword: z.optional(z.string()),
    }),
  }),
  'CreatedPlant',
  'The plant and its first admin; a temporary password only where no invitation e-mail carries it.',
);

export const PlantParamsSchema = z.object({ id: TenantIdSchema });

// ---------- Users of a plant (plant admins) ----------

export const USER_STATUSES = ['active', 'disabled'] as const;

export const InviteUserSchema = meta(
  z.strictObject({
    userId: IdSchema,
    name: Text(200),
    /** Operators often have none: then a temporary password is answered, once, to the admin. */
    email: z.optional(EmailSchema),
    roles: PlantRolesSchema,
    /** The personnel record (master data) this user is, if any. */
    personnelId: z.optional(IdSchema),
  }),
  'InviteUser',
  'A user to invite: with an e-mail the invitation goes there; without one the answer carries a temporary password, once.',
);

export const SetUserRolesSchema = meta(z.strictObject({ roles: PlantRolesSchema }), 'SetUserRoles', 'The user’s plant roles, all of them.');

export const UserSchema = meta(
  z.object({
    userId: z.string(),
    name: z.string(),
    email: z.optional(z.string()),
    roles: z.array(z.enum(ROLES)),
    personnelId: z.optional(z.string()),
    status: z.enum(USER_STATUSES),
    invitedAt: Timestamp,
    invitedBy: z.string(),
    version: z.int(),
    updatedAt: Timestamp,
    updatedBy: z.string(),
  }),
  'User',
  'A user of the plant: the MES directory record (the identity itself is Cognito’s).',
);

export const InvitedUserSchema = meta(
  z.object({ user: UserSchema, temporaryPassword: z.optional(z.string()) }),
  'InvitedUser',
  'The invited user; `temporaryPassword` only when no e-mail carries it: shown once, never stored.',
);

export const ListUsersQuerySchema = z.strictObject({
  limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(100)), 100),
  cursor: z.optional(z.string().check(z.maxLength(2048))),
});

export type CreatePlantBody = z.output<typeof CreatePlantSchema>;
export type InviteUserBody = z.output<typeof InviteUserSchema>;
export type UserView = z.output<typeof UserSchema>;
export type PlantView = z.output<typeof PlantSchema>;
