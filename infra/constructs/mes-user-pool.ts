/**
 * MesUserPool: who may sign in, to which tenant, in which roles. Users are created by an admin
 * (no self sign-up), carry an immutable `custom:tenantId`, and get their MES roles as Cognito
 * groups, which arrive in the ID token's `cognito:groups` claim (shared/auth/claims.ts).
 */
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import {
  AccountRecovery,
  ClientAttributes,
  FeaturePlan,
  Mfa,
  OAuthScope,
  StringAttribute,
  UserPool,
  type UserPoolClient,
  type UserPoolDomain,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { ALL_ROLES } from '../../shared/domain/roles.ts';

export interface MesUserPoolProps {
  /**
   * Origins of the web app (scheme, host and port, no path). The OAuth callback is the origin's
   * root, `<origin>/`: the app routes in the hash, so it handles `?code=` wherever it starts.
   */
  readonly webOrigins: readonly string[];
  /** Prefix of the Cognito hosted domain (`<prefix>.auth.<region>.amazoncognito.com`), unique per region. */
  readonly domainPrefix: string;
}

export class MesUserPool extends Construct {
  readonly userPool: UserPool;
  readonly webClient: UserPoolClient;
  /** Used only to check a re-entered password at signing (issue 16): USER_PASSWORD_AUTH, no secret, no hosted UI. */
  readonly signingClient: UserPoolClient;
  readonly domain: UserPoolDomain;
  /** Base URL of the hosted UI and the OAuth endpoints, `https://<prefix>.auth.<region>.amazoncognito.com`. */
  readonly hostedUiUrl: string;
  /** The `iss` of Cognito's tokens, which the JWT authorizer and the handlers both check. */
  readonly issuer: string;

  constructor(scope: Construct, id: string, props: MesUserPoolProps) {
    super(scope, id);

    this.userPool = new UserPool(this, 'Pool', {
      // Users belong to a plant: an admin creates them, with their tenant and roles.
      selfSignUpEnabled: false,
      // Operators often have no company e-mail, so a user name works too.
      signInAliases: { username: true, email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      standardAttributes: { fullname: { required: true, mutable: true } },
      // Immutable: a user can never move themselves, or be moved, to another tenant.
      customAttributes: { tenantId: new StringAttribute({ minLen: 1, maxLen: 63, mutable: false }) },
      passwordPolicy: {
        minLength: 14,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        passwordHistorySize: 5,
        tempPasswordValidity: Duration.days(3),
      },
      // Required, with authenticator apps only: SMS needs an SNS role, costs per message and is
      // the weaker factor.
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      featurePlan: FeaturePlan.ESSENTIALS,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG8',
      reason:
        'The Plus feature plan adds threat protection at a higher price per monthly active user. Accounts are ' +
        'admin-created (no self sign-up) and TOTP MFA is required, which covers the credential-stuffing and ' +
        'account-takeover risks threat protection targets. Revisit when federation or self-service sign-up arrives.',
    });

    // Plant roles and the platform operators' (issue 17): a token's groups are its roles.
    for (const role of ALL_ROLES) {
      this.userPool.addGroup(`Group-${role}`, { groupName: role, description: `MES role ${role}` });
    }

    this.domain = this.userPool.addDomain('Domain', { cognitoDomain: { domainPrefix: props.domainPrefix } });
    this.hostedUiUrl = this.domain.baseUrl();

    // The supervisor web app runs in the browser and cannot keep a secret: a public client with
    // the authorization code grant. The web client always sends a PKCE code_challenge; Cognito
    // then refuses the code exchange without the matching verifier.
    this.webClient = this.userPool.addClient('WebClient', {
      generateSecret: false,
      authFlows: { userSrp: true },
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE],
        callbackUrls: props.webOrigins.map((origin) => `${origin}/`),
        logoutUrls: props.webOrigins.map((origin) => `${origin}/`),
      },
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      // About a shift: a supervisor signs in once per shift, a lost tablet stops working by the next.
      refreshTokenValidity: Duration.hours(12),
      // Users may edit their display name, never their tenant (immutable anyway) or anything else.
      writeAttributes: new ClientAttributes().withStandardAttributes({ fullname: true }),
    });

    // Electronic signatures (21 CFR 11.200(a)): the functions that sign send the signer's user id
    // and password to InitiateAuth with this client, and drop the tokens (or the MFA challenge)
    // unread: they mean the password was right. No OAuth, no hosted UI, no secret, nothing else.
    this.signingClient = this.userPool.addClient('SigningClient', {
      generateSecret: false,
      authFlows: { userPassword: true },
      disableOAuth: true,
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      idTokenValidity: Duration.minutes(5),
      accessTokenValidity: Duration.minutes(5),
      refreshTokenValidity: Duration.hours(1),
      readAttributes: new ClientAttributes(),
      writeAttributes: new ClientAttributes(),
    });

    this.issuer = `https://cognito-idp.${Stack.of(this).region}.amazonaws.com/${this.userPool.userPoolId}`;
  }
}
