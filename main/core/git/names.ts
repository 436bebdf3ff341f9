// Names of Maestro's branches and worktree folders: readable, valid as git refs and as file names.
//
//   integration branch   maestro/<short id>-<slug of the title>        maestro/k3x9ab2c-add-math-helpers
//   group branch         <integration>--<plan id>                      maestro/k3x9ab2c-add-math-helpers--g1
//   resolution branch    <integration>--<plan id>--resolve             (temporary, while a conflict is resolved)
//
// Why `--` and not `/`: git stores branches as paths, so `maestro/x` and `maestro/x/g1` cannot both
// exist (a file and a folder of the same name). A slug never contains `--` (runs of `-` collapse),
// so the separator is unambiguous.

export const BRANCH_PREFIX = 'maestro/';
const SLUG_MAX = 40;

/** Lower-case ASCII words joined by single dashes; accents dropped; '' when nothing is left. */
export function slugify(text: string, max = SLUG_MAX): string {
  const words = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (words.length <= max) return words;
  const cut = words.slice(0, max);
  const lastDash = cut.lastIndexOf('-');
  return (lastDash > max / 2 ? cut.slice(0, lastDash) : cut).replace(/-+$/, '');
}

/** The request's short id: the random part of a task id (`task-k3x9ab2c` → `k3x9ab2c`), made ref-safe. */
export function shortId(rootId: string): string {
  const s = slugify(rootId.replace(/^task-/, ''), 16);
  return s || 'request';
}

/** The integration branch for a request, before uniqueness (`-2`, `-3` … are added by the caller). */
export function integrationBranchName(rootId: string, title: string): string {
  const slug = slugify(title);
  return `${BRANCH_PREFIX}${shortId(rootId)}${slug ? `-${slug}` : ''}`;
}

/**
 * A plan id as a branch suffix and folder name: letters, digits, `_` and single `-`.
 * Plan ids are short (`g1`); anything else is kept readable and made safe.
 */
export function planKey(planId: string): string {
  const key = planId
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-_]+|-+$/g, '')
    .slice(0, 40);
  return key || 'group';
}

export const groupBranchName = (integration: string, key: string): string => `${integration}--${key}`;
export const resolutionBranchName = (integration: string, key: string): string => `${integration}--${key}--resolve`;
