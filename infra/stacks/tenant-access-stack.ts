/**
 * TenantAccessStack (issue 17, docs/isolation.md): the roles an API function's request runs as,
 * one session per tenant. The API functions' own roles no longer reach the table or the secrets
 * key; they may only assume these roles with the session tag `tenantId` (shared/db/tenant-credentials.ts),
 * and these roles' policies let a session reach only keys starting `{tenantId}#`
 * (`dynamodb:LeadingKeys`, on the table and on every index) and the secrets key only with that
 * tenant as encryption context. Two roles keep the read/write split of the route table: a
 * read-only function's tenant session cannot write.
 *
 * Its own stack: the API stack is close to CloudFormation's 500 resources. The roles are named
 * (TENANT_ACCESS), so the API stack grants AssumeRole on them and passes their ARN to its
 * functions without a reference to this stack, which depends on the API stack (its trust policy
 * names the API functions' roles) and not the other way round.
 */
import { Aws, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { AccountPrincipal, type IRole, PolicyStatement, Role } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { TABLE } from '../../shared/db/table.ts';
import { TENANT_SESSION_SECONDS, TENANT_SESSION_TAG } from '../../shared/db/tenant-credentials.ts';
import { keys } from '../../shared/db/keys.ts';

export type TenantAccess = 'read' | 'write';

/**
 * What a tenant session may do: repositories use GetItem, BatchGetItem and Query to read, and
 * TransactWriteItems (authorized per underlying Put/Update/ConditionCheck) and the single-item
 * writes. No Scan, no DeleteItem, no BatchWriteItem (which could delete).
 */
export const TENANT_TABLE_ACTIONS = {
  read: ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query'],
  write: ['dynamodb:BatchGetItem', 'dynamodb:ConditionCheckItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
} as const;

/** The session's tenant, as IAM reads it in a condition. */
const TENANT = `\${aws:PrincipalTag/${TENANT_SESSION_TAG}}`;

/**
 * The partitions no tenant owns that an API request writes (in the system scope, with the
 * function's own role): the tenants that wrote audit records or moved the live view on a day,
 * for the checkpoint and live view jobs, and the tenants that keep preventive maintenance plans,
 * for the plan job (issue 18). They hold tenant ids only. `#` first: no tenant's key
 * starts so (a tenant id is never empty).
 */
export const SYSTEM_REGISTRY_KEYS = [`${keys.auditTenantsPartition('')}*`, `${keys.liveTenantsPartition('')}*`, keys.maintenanceTenantsPartition];

/** The roles by name and ARN (in the deploying account and region), so that granting on them needs no cross-stack reference. */
export const TENANT_ACCESS = {
  roleName: (access: TenantAccess) => `mes-tenant-${access}-${Aws.REGION}`,
  roleArn: (access: TenantAccess) => `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:role/mes-tenant-${access}-${Aws.REGION}`,
} as const;

export interface TenantAccessStackProps extends StackProps {
  readonly table: ITable;
  /** The integration stack's secrets key: tenant sessions of write functions seal and open secrets with it. */
  readonly secretsKey: IKey;
  /** The API functions' roles that may assume each role (ApiStack.tenantAccessRoles). */
  readonly assumedBy: Readonly<Record<TenantAccess, readonly IRole[]>>;
}

export class TenantAccessStack extends Stack {
  readonly roles: Record<TenantAccess, Role>;

  constructor(scope: Construct, id: string, props: TenantAccessStackProps) {
    super(scope, id, props);
    const indexArns = TABLE.globalSecondaryIndexes.map((gsi) => `${props.table.tableArn}/index/${gsi.indexName}`);
    const leadingKeys = { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${TENANT}#*`] } };

    const role = (access: TenantAccess) => {
      const principals = props.assumedBy[access].map((r) => r.roleArn);
      const tenantRole = new Role(this, access === 'read' ? 'TenantRead' : 'TenantWrite', {
        roleName: TENANT_ACCESS.roleName(access),
        description: `MES API, ${access} access of one tenant's items: sessions tagged ${TENANT_SESSION_TAG}=<tenant> reach only keys starting <tenant>#`,
        // Role chaining caps a session at one hour anyway: the vending step asks for exactly that.
        maxSessionDuration: Duration.seconds(TENANT_SESSION_SECONDS),
        // The account, narrowed to the API functions' roles (they also need AssumeRole in their own
        // policy), and only with the tenant tag set, and no other tag.
        assumedBy: new AccountPrincipal(Aws.ACCOUNT_ID)
          .withConditions({
            ArnEquals: { 'aws:PrincipalArn': principals.length ? principals : ['arn:aws:iam::000000000000:role/none'] },
            StringLike: { [`aws:RequestTag/${TENANT_SESSION_TAG}`]: '?*' },
            'ForAllValues:StringEquals': { 'aws:TagKeys': [TENANT_SESSION_TAG] },
          })
          .withSessionTags(),
      });
      tenantRole.addToPolicy(
        new PolicyStatement({ actions: [...TENANT_TABLE_ACTIONS[access]], resources: [props.table.tableArn], conditions: leadingKeys }),
      );
      tenantRole.addToPolicy(new PolicyStatement({ actions: ['dynamodb:Query'], resources: indexArns, conditions: leadingKeys }));
      if (access === 'read') {
        // Fair use (docs/fair-use.md): a read-only function leases its plant's request tokens, the
        // one item `{tenant}#RATE` it may write.
        tenantRole.addToPolicy(
          new PolicyStatement({
            actions: ['dynamodb:UpdateItem'],
            resources: [props.table.tableArn],
            conditions: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [`${TENANT}#RATE`] } },
          }),
        );
      }
      if (access === 'write') {
        tenantRole.addToPolicy(
          new PolicyStatement({
            actions: ['kms:Decrypt', 'kms:Encrypt'],
            resources: [props.secretsKey.keyArn],
            conditions: { StringEquals: { 'kms:EncryptionContext:tenantId': TENANT } },
          }),
        );
      }
      return tenantRole;
    };
    this.roles = { read: role('read'), write: role('write') };
  }
}
