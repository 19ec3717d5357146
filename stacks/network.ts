/**
 * Network: where scanner tasks run. Either a private VPC of its own (endpoints instead of NAT) or an
 * existing VPC and subnets from the configuration; both give the trigger subnet and security group ids.
 */
import type { App } from 'cdktf';
import type { Config } from '../config/load';
import { LeakscanStack } from './base';
import { PrivateVpc } from './constructs/private-vpc';
import { ScannerSecurityGroup, type ScannerEgress } from './constructs/scanner-security-group';
import { VpcEndpoints, type OptionalEndpointService } from './constructs/vpc-endpoints';

export class NetworkStack extends LeakscanStack {
  readonly subnetIds: string[];
  readonly securityGroupId: string;

  constructor(app: App, config: Config) {
    super(app, 'network', config);
    const network = config.network;
    const scannerGroup = (vpcId: string, egress: ScannerEgress) =>
      new ScannerSecurityGroup(this, 'scanner-sg', { name: this.name('scanner'), vpcId, egress }).group.id;
    if (network.mode === 'existing') {
      this.subnetIds = network.subnetIds;
      this.securityGroupId = scannerGroup(network.vpcId, { to: 'anywhere' });
      return;
    }
    const vpc = new PrivateVpc(this, 'vpc', {
      cidr: network.cidr,
      region: config.region,
      namePrefix: this.namePrefix,
      flowLogs: { name: `/leakscan/${config.environment}/vpc-flow-logs`, retentionDays: config.logRetentionDays },
      account: this.account,
      flowLogSourceArn: this.arn('ec2', 'vpc-flow-log/*'),
    });
    this.subnetIds = vpc.subnets.map((s) => s.id);
    const { findings } = config;
    const optionalServices: OptionalEndpointService[] = [
      ...(findings.securityHub ? (['securityhub'] as const) : []),
      ...(findings.events ? (['events'] as const) : []),
    ];
    const endpoints = new VpcEndpoints(this, 'endpoints', {
      vpcId: vpc.vpc.id,
      cidr: network.cidr,
      subnetIds: this.subnetIds,
      routeTableIds: [vpc.routeTable.id],
      region: config.region,
      namePrefix: this.namePrefix,
      dynamodb: findings.enabled,
      optionalServices,
    });
    this.securityGroupId = scannerGroup(vpc.vpc.id, {
      to: 'endpoints',
      cidr: network.cidr,
      s3PrefixListId: endpoints.s3PrefixListId,
      ...(endpoints.dynamodbPrefixListId !== undefined && { dynamodbPrefixListId: endpoints.dynamodbPrefixListId }),
    });
  }
}
