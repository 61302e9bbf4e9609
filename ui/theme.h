// The app's light and dark themes (View › Theme › System, Light or Dark, remembered): a
// palette set on the application, which every widget takes by Qt's palette propagation and
// every plot by plot_style (widgets/plot_style.h). Light and Dark use the Fusion style, the
// one that draws a chosen palette the same on every platform; System gives back the style and
// palette the application started with (Qt 6.4 cannot ask the platform for its colour scheme).
#pragma once

#include <QString>

class QMenu;
class QPalette;

namespace ddpm::ui {

enum class Theme { System, Light, Dark };

/// The theme's name as saved ("system", "light", "dark") and back (anything else: System).
QString themeName(Theme theme);
Theme themeFromName(const QString& name);

/// The QSettings key of the chosen theme.
inline const char* themeSettingsKey() { return "view/theme"; }

/// Fusion's light palette (its standard one) and the app's dark palette for Fusion.
QPalette lightPalette();
QPalette darkPalette();

/// Applies `theme` to the application (style and palette). The first call records the
/// start-up style and palette on the application object, for System.
void applyTheme(Theme theme);
/// The theme applied last (System before any).
Theme currentTheme();
/// The saved theme (System when none was saved).
Theme savedTheme();
/// Applies `theme` and saves it at once (QSettings themeSettingsKey()).
void setTheme(Theme theme);

/// Adds View › Theme to `menu`: System, Light and Dark as exclusive choices, the saved one
/// checked and applied. Returns the submenu; its actions are named themeSystem, themeLight,
/// themeDark.
QMenu* addThemeMenu(QMenu* menu);

} // namespace ddpm::ui
