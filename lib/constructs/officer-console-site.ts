/**
 * Optional: the privacy officers' console as a static site — a private,
 * encrypted, TLS-only S3 bucket behind CloudFront (origin access control),
 * with a strict content security policy that lets the page call only the
 * province's API. The API then allows that one origin (CORS).
 *
 * In the China regions (cn-north-1, cn-northwest-1; partition aws-cn) the console is served from the hub's own
 * API origin instead (`GET /console`, the console Lambda, with its own strict CSP and no CORS needed), and this
 * construct adds nothing. CloudFront there cannot serve this site as it is built here:
 * - origin access control does not exist there (CloudFormation rejects AWS::CloudFront::OriginAccessControl as an
 *   unrecognised resource type); only the legacy origin access identity does;
 * - the default *.cloudfront.cn domain does not serve content: a distribution needs an alternate domain name
 *   with an ICP recordal, and a third-party certificate uploaded to IAM (ACM does not serve CloudFront there),
 *   none of which a stack can create. With an OAI alone the distribution would deploy and serve nothing.
 * An S3 website behind the API was considered and not chosen: a website endpoint serves only a public bucket,
 * over plain HTTP. Serving from the API keeps one origin, one TLS endpoint and one place for the CSP, and needs
 * no second domain to register and certify. docs/runbook.md ("The officers console") says the same for operators.
 */
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as deploy from 'aws-cdk-lib/aws-s3-deployment';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { Construct } from 'constructs';
import { CONSOLE_DIR, readConsoleFiles, VENDOR_FILES } from '../../local/console-files';

export interface OfficerConsoleSiteProps {
  readonly hubId: string;
  /** The HTTP API's URL (https://...), which the page calls. */
  readonly apiUrl: string;
}

/** Where the console is served from: a CloudFront distribution, or the hub API's own origin (China regions). */
export type ConsoleHosting = 'cloudfront' | 'api-origin';

/** The China partition has no CloudFront origin access control and no response headers policies (see above). */
export function consoleHostingFor(region: string): ConsoleHosting {
  return RegionInfo.get(region).partition === 'aws-cn' || region.startsWith('cn-') ? 'api-origin' : 'cloudfront';
}

export class OfficerConsoleSite extends Construct {
  readonly hosting: ConsoleHosting;
  /** The distribution, when the console is served by CloudFront; the API then allows its origin (CORS). */
  readonly distribution?: cloudfront.Distribution;
  /** The console's address for officers. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: OfficerConsoleSiteProps) {
    super(scope, id);
    const apiOrigin = props.apiUrl.replace(/\/+$/, '');
    this.hosting = consoleHostingFor(Stack.of(this).region);
    if (this.hosting === 'api-origin') {
      this.url = `${apiOrigin}/console`;
      return;
    }
    const secure = {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      removalPolicy: RemovalPolicy.RETAIN,
    };
    const logs = new s3.Bucket(this, 'Logs', {
      ...secure,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(365) }],
    });
    const site = new s3.Bucket(this, 'Site', { ...secure, versioned: true, serverAccessLogsBucket: logs, serverAccessLogsPrefix: 'site/' });
    // The CSP names the API by its domain pattern, not its URL: the API's CORS already refers to this
    // distribution, so referring back would be a dependency cycle.
    const apiPattern = `https://*.execute-api.${Stack.of(this).region}.${Stack.of(this).urlSuffix}`;
    const headers = new cloudfront.ResponseHeadersPolicy(this, 'Headers', {
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          contentSecurityPolicy: `default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self' ${apiPattern}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
          override: true,
        },
        contentTypeOptions: { override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(365), includeSubdomains: true, override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
      },
    });
    const distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: `Xinqiao ${props.hubId} privacy officers console`,
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(site),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        responseHeadersPolicy: headers,
        cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
      },
      enableLogging: true,
      logBucket: logs,
      logFilePrefix: 'cloudfront/',
      minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
      // Officers work in China; the page has no business elsewhere.
      geoRestriction: cloudfront.GeoRestriction.allowlist('CN'),
    });
    this.distribution = distribution;
    this.url = `https://${distribution.distributionDomainName}/`;
    const v = Validations.of(distribution);
    v.acknowledge({
      id: 'AwsSolutions-CFR2',
      reason:
        'The site serves the console static files and no data; every data request goes to the API, which authenticates each request by signature and is throttled.',
    });
    v.acknowledge({
      id: 'AwsSolutions-CFR4',
      reason:
        'The default CloudFront certificate is used until the province attaches its own domain and certificate (TLSv1.2_2021 is set and applies then); the page holds no data.',
    });
    const vendored = readConsoleFiles();
    const files = new deploy.BucketDeployment(this, 'Files', {
      destinationBucket: site,
      sources: [
        deploy.Source.asset(CONSOLE_DIR),
        deploy.Source.jsonData('config.json', { hubId: props.hubId, apiBaseUrl: apiOrigin }),
        // The chart library's files come from the installed package, not console/: the page loads them from here.
        ...Object.keys(VENDOR_FILES).map((name) => deploy.Source.data(name, vendored[name] ?? '')),
      ],
      prune: true,
    });
    // The deployment's handler is a CDK-managed singleton Lambda at stack level.
    const stack = Stack.of(this);
    for (const child of stack.node.children.filter((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'))) {
      const ack = Validations.of(child);
      const reason =
        'CDK-managed BucketDeployment handler that copies the console files at deploy time; its runtime, managed policy and S3 wildcard grants are set by aws-cdk-lib, scoped to the asset and site buckets.';
      const findings = [
        'AwsSolutions-L1',
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        ...['s3:Abort*', 's3:DeleteObject*', 's3:GetBucket*', 's3:GetObject*', 's3:List*'].map((a) => `AwsSolutions-IAM5[Action::${a}]`),
        `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(site.node.defaultChild as s3.CfnBucket)}.Arn>/*]`,
        `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-${stack.region}/*]`,
      ];
      for (const id of findings) ack.acknowledge({ id, reason });
    }
    void files;
  }
}
