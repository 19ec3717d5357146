/**
 * AWS's own accounts that customers must write into their policies, so they appear in countless
 * repositories and leak nothing: Elastic Load Balancing's access-log writers, one per region, which a
 * bucket policy for ALB/ELB access logs names as principal (`arn:aws:iam::<id>:root`). The table is
 * AWS's ("Attach a policy to your S3 bucket" in the ELB user guide), as Terraform's
 * `aws_elb_service_account` data source carries it; regions opened since 2022 use a service principal.
 */
export const ELB_LOG_DELIVERY_ACCOUNTS: ReadonlySet<string> = new Set([
  '127311923021', // us-east-1
  '033677994240', // us-east-2
  '027434742980', // us-west-1
  '797873946194', // us-west-2
  '098369216593', // af-south-1
  '754344448648', // ap-east-1
  '582318560864', // ap-northeast-1
  '600734575887', // ap-northeast-2
  '383597477331', // ap-northeast-3
  '718504428378', // ap-south-1
  '114774131450', // ap-southeast-1
  '783225319266', // ap-southeast-2
  '589379963580', // ap-southeast-3
  '985666609251', // ca-central-1
  '054676820928', // eu-central-1
  '897822967062', // eu-north-1
  '635631232127', // eu-south-1
  '156460612806', // eu-west-1
  '652711504416', // eu-west-2
  '009996457667', // eu-west-3
  '076674570225', // me-south-1
  '507241528517', // sa-east-1
  '190560391635', // us-gov-east-1
  '048591011584', // us-gov-west-1
  '638102146993', // cn-north-1
  '037604701340', // cn-northwest-1
]);
