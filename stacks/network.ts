/**
 * Network: where scanner tasks run. Either a private VPC of its own (endpoints instead of NAT) or an
 * existing VPC and subnets from the configuration; both give the trigger subnet and security group ids.
 */
import type { App } from 'cdktf';
import type { Config } from '../config/load';
import { LeakscanStack } from './base';
import { PrivateVpc } from './constructs/private-vpc';
import { ScannerSecurityGroup } from './constructs/scanner-security-group';
import { VpcEndpoints } from './constructs/vpc-endpoints';

export class NetworkStack extends LeakscanStack {
  readonly subnetIds: string[];
  readonly securityGroupId: string;

  constructor(app: App, config: Config) {
    super(app, 'network', config);
    const network = config.network;
    if (network.mode === 'existing') {
      this.subnetIds = network.subnetIds;
      this.securityGroupId = new ScannerSecurityGroup(this, 'scanner-sg', network.vpcId, { to: 'anywhere' }).group.id;
      return;
    }
    const vpc = new PrivateVpc(this, 'vpc', network.cidr);
    this.subnetIds = vpc.subnets.map((s) => s.id);
    const endpoints = new VpcEndpoints(this, 'endpoints', {
      vpcId: vpc.vpc.id,
      cidr: network.cidr,
      subnetIds: this.subnetIds,
      routeTableIds: [vpc.routeTable.id],
    });
    this.securityGroupId = new ScannerSecurityGroup(this, 'scanner-sg', vpc.vpc.id, {
      to: 'endpoints',
      cidr: network.cidr,
      s3PrefixListId: endpoints.s3PrefixListId,
    }).group.id;
  }
}
