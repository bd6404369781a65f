export type Theme = 'light' | 'dark';

/** The page script sets the first theme before paint (stored choice, else the system's); this switches it. */
export function currentTheme(): Theme {
  return document.documentElement.dataset.theme === 'dark' ? 'dark' : 'light';
}

export function setTheme(theme: Theme): void {
  document.documentElement.dataset.theme = theme;
  localStorage.setItem('stitch.theme', theme);
}
