# tflint gate for the synthesized stacks (cdktf.out/stacks/*/cdk.tf.json): the core Terraform rules only
# (the ruleset bundled in tflint, so nothing is downloaded; the AWS ruleset plugin is not used).
# Run: .cache/go-bin/tflint --recursive --chdir=cdktf.out/stacks --config="$PWD/.tflint.hcl"
# Every disabled rule says why; __tests__/stacks/tflint.int.test.ts runs tflint without them and
# enforces "no finding" and that each one is still needed.
config {
  call_module_type = "none"
}

plugin "terraform" {
  enabled = true
  preset  = "all"
}

rule "terraform_naming_convention" {
  # cdktf names each resource <construct path>_<HASH>: the hyphens and the uppercase hash are not ours to choose
  enabled = false
}

rule "terraform_documented_outputs" {
  # cdktf writes its cross-stack reference outputs without a description and offers no way to add one
  enabled = false
}
