import { ParameterNotFoundError, SsmRenderError } from '../errors';
import { openSession, readConfig, type CommonOptions, type World } from './session';
import { resolveName } from './name-arguments';
import { explainNotFound } from './not-found';
import { openStore } from './open-store';
import { refuseInLocalMode } from './local-mode';
import { processInput } from './stdin';

interface DeleteOptions extends CommonOptions {
  readonly yes?: boolean;
}

/** Exit 2: the deletion was not confirmed (no --yes off a terminal, or an answer other than yes). */
class NotConfirmedError extends SsmRenderError {
  readonly code = 'NOT_CONFIRMED';
  readonly exitCode = 2;
}

/** `ssm-render delete NAME`: asks first on a terminal; elsewhere only with --yes. */
export async function deleteCommand(world: World, raw: string, options: DeleteOptions): Promise<void> {
  await openSession(world, options);
  const config = readConfig(world, options, { requirePath: false });
  refuseInLocalMode('delete', config.settings);
  const name = resolveName(raw, config.settings, 'write');
  const input = world.stdin ?? processInput();
  if (!options.yes && !input.isTTY) {
    throw new NotConfirmedError(`Refusing to delete ${name} without confirmation: standard input is not a terminal`, {
      hint: 'pass --yes to delete without asking',
    });
  }
  const store = await openStore(config);
  try {
    if (!options.yes) {
      const current = await store.admin.get(name, { decrypt: false });
      const answer = await input.question(`Delete ${name} (${current.type}, version ${current.version})? [y/N] `);
      if (!/^y(es)?$/i.test(answer.trim())) throw new NotConfirmedError(`Not deleted: ${name}`, { hint: 'answer y to delete, or pass --yes' });
    }
    await store.admin.delete(name);
    world.stdout(`deleted ${name}\n`);
  } catch (error) {
    if (error instanceof ParameterNotFoundError) throw await explainNotFound(error, config.settings, store.nearMisses, 'delete');
    throw error;
  } finally {
    store.close();
  }
}
