import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * The Chinese font of bill PDFs. Debian's fonts-noto-cjk when the machine has it (the full Noto Sans CJK SC,
 * every character); otherwise Noto Sans Hans from the npm package @embedpdf/fonts-sc (SIL OFL 1.1, the
 * GB 2312 character set: every common character, though a rare one in a name or address may lack a glyph),
 * so `npm start` works on a machine without the Debian package.
 */
export interface PdfFont {
  source: 'system' | 'npm';
  regular: { data: Buffer; family?: string };
  bold: { data: Buffer; family?: string };
}

const SYSTEM_DIRECTORY = '/usr/share/fonts/opentype/noto';

function systemFont(): PdfFont | null {
  const regular = path.join(SYSTEM_DIRECTORY, 'NotoSansCJK-Regular.ttc');
  const bold = path.join(SYSTEM_DIRECTORY, 'NotoSansCJK-Bold.ttc');
  if (!existsSync(regular)) return null;
  const regularFont = { data: readFileSync(regular), family: 'NotoSansCJKsc-Regular' };
  return {
    source: 'system',
    regular: regularFont,
    bold: existsSync(bold) ? { data: readFileSync(bold), family: 'NotoSansCJKsc-Bold' } : regularFont,
  };
}

function packagedFont(): PdfFont {
  // The package exports only its (tiny) index; the fonts sit beside it in fonts/.
  const entry = createRequire(import.meta.url).resolve('@embedpdf/fonts-sc');
  const directory = path.resolve(path.dirname(entry), '..', 'fonts');
  return {
    source: 'npm',
    regular: { data: readFileSync(path.join(directory, 'NotoSansHans-Regular.otf')) },
    bold: { data: readFileSync(path.join(directory, 'NotoSansHans-Bold.otf')) },
  };
}

let loaded: PdfFont | undefined;

/** The font, read once per process (the system collection is about 20 MB). */
export function pdfFont(options: { preferSystem?: boolean } = {}): PdfFont {
  if (options.preferSystem === false) return packagedFont();
  loaded ??= systemFont() ?? packagedFont();
  return loaded;
}
