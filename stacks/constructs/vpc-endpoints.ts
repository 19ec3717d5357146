/**
 * Private access to every AWS API the scanner task uses, so the VPC needs no NAT gateway or internet
 * route: ECR (api + dkr) and S3 (image layers) to pull the image, CloudWatch Logs for awslogs, STS,
 * SNS for findings, CodeCommit API + git-codecommit for the clone and the PR comments.
 */
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Construct } from 'constructs';
import { stackOf } from '../base';

const INTERFACE_ENDPOINT_SERVICES = ['ecr.api', 'ecr.dkr', 'logs', 'sns', 'sts', 'codecommit', 'git-codecommit'] as const;

export interface VpcEndpointsProps {
  vpcId: string;
  cidr: string;
  subnetIds: string[];
  routeTableIds: string[];
}

export class VpcEndpoints extends Construct {
  /** The S3 gateway endpoint's managed prefix list: what a security group egress rule to S3 names. */
  readonly s3PrefixListId: string;

  constructor(scope: Construct, id: string, props: VpcEndpointsProps) {
    super(scope, id);
    const stack = stackOf(this);
    const serviceName = (service: string) => `com.amazonaws.${stack.config.region}.${service}`;
    const endpointSg = new SecurityGroup(this, 'sg', {
      name: stack.name('vpc-endpoints'),
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
    for (const service of INTERFACE_ENDPOINT_SERVICES) {
      new VpcEndpoint(this, service, {
        vpcId: props.vpcId,
        serviceName: serviceName(service),
        vpcEndpointType: 'Interface',
        privateDnsEnabled: true,
        subnetIds: props.subnetIds,
        securityGroupIds: [endpointSg.id],
        tags: { Name: stack.name(service) },
      });
    }
    const s3 = new VpcEndpoint(this, 's3', {
      vpcId: props.vpcId,
      serviceName: serviceName('s3'),
      vpcEndpointType: 'Gateway',
      routeTableIds: props.routeTableIds,
      tags: { Name: stack.name('s3') },
    });
    this.s3PrefixListId = s3.prefixListId;
  }
}
