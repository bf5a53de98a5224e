import type { CommandContext, Reply } from '../command.js';
import type { Level } from '../state.js';

/** A built-in command: its keyword words, the level it needs, and its handler. */
export interface BuiltinCommand {
  words: string[];
  level: Level;
  handle(context: CommandContext): Reply | Promise<Reply>;
}
