/**
 * Private access to every AWS API the scanner task uses, so the VPC needs no NAT gateway or internet
 * route: ECR (api + dkr) and S3 (image layers) to pull the image, CloudWatch Logs for awslogs, STS,
 * SNS for findings, CodeCommit API + git-codecommit for the clone and the PR comments; and, for the
 * findings lifecycle, a DynamoDB gateway (free) plus Security Hub and EventBridge interface endpoints
 * only when those opt-ins are on (each interface endpoint costs per hour and per AZ).
 */
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Construct } from 'constructs';

const INTERFACE_ENDPOINT_SERVICES = [
  'ecr.api',
  'ecr.dkr',
  'logs',
  'sns',
  'sts',
  'codecommit',
  'git-codecommit',
] as const;

/** Interface endpoints for the findings lifecycle's opt-in sinks (Security Hub import, finding events). */
export type OptionalEndpointService = 'securityhub' | 'events';

export interface VpcEndpointsProps {
  vpcId: string;
  cidr: string;
  subnetIds: string[];
  routeTableIds: string[];
  region: string;
  /** `leakscan-<env>`: the endpoints' security group and Name tags are `<namePrefix>-<what>`. */
  namePrefix: string;
  /** The DynamoDB gateway endpoint, for the findings table. */
  dynamodb: boolean;
  optionalServices: readonly OptionalEndpointService[];
}

export class VpcEndpoints extends Construct {
  /** The S3 gateway endpoint's managed prefix list: what a security group egress rule to S3 names. */
  readonly s3PrefixListId: string;
  /** The DynamoDB gateway endpoint's prefix list; undefined without one. */
  readonly dynamodbPrefixListId: string | undefined;

  constructor(scope: Construct, id: string, props: VpcEndpointsProps) {
    super(scope, id);
    const serviceName = (service: string) => `com.amazonaws.${props.region}.${service}`;
    const name = (what: string) => `${props.namePrefix}-${what}`;
    const endpointSg = new SecurityGroup(this, 'sg', {
      name: name('vpc-endpoints'),
      description: 'HTTPS from inside the VPC to the interface endpoints',
      vpcId: props.vpcId,
    });
    new VpcSecurityGroupIngressRule(this, 'https-in', {
      securityGroupId: endpointSg.id,
      description: 'HTTPS from the VPC',
      ipProtocol: 'tcp',
      fromPort: 443,
      toPort: 443,
      cidrIpv4: props.cidr,
    });
    for (const service of [...INTERFACE_ENDPOINT_SERVICES, ...props.optionalServices]) {
      new VpcEndpoint(this, service, {
        vpcId: props.vpcId,
        serviceName: serviceName(service),
        vpcEndpointType: 'Interface',
        privateDnsEnabled: true,
        subnetIds: props.subnetIds,
        securityGroupIds: [endpointSg.id],
        tags: { Name: name(service) },
      });
    }
    const gateway = (service: string) =>
      new VpcEndpoint(this, service, {
        vpcId: props.vpcId,
        serviceName: serviceName(service),
        vpcEndpointType: 'Gateway',
        routeTableIds: props.routeTableIds,
        tags: { Name: name(service) },
      }).prefixListId;
    this.s3PrefixListId = gateway('s3');
    this.dynamodbPrefixListId = props.dynamodb ? gateway('dynamodb') : undefined;
  }
}
