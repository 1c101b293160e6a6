import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('the Terraform module', () => {
  it('is formatted as terraform fmt writes it', () => {
    expect(() =>
      execFileSync('terraform', ['fmt', '-check', '-recursive', 'terraform'], { stdio: 'pipe' }),
    ).not.toThrow();
  });
});
