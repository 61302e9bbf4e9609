#include "theme.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QMenu>
#include <QPalette>
#include <QSettings>
#include <QStyle>
#include <QStyleFactory>

namespace ddpm::ui {

namespace {

// Dynamic properties of the application object: what System goes back to, and the theme now.
const char* const kSystemStyleProperty = "ddpmSystemStyle";
const char* const kSystemPaletteProperty = "ddpmSystemPalette";
const char* const kThemeProperty = "ddpmTheme";
const QString kFusion = QStringLiteral("Fusion");

void recordSystemLook()
{
    if (qApp->property(kSystemStyleProperty).isValid())
        return;
    qApp->setProperty(kSystemStyleProperty, QApplication::style()->name());
    qApp->setProperty(kSystemPaletteProperty, QVariant::fromValue(QApplication::palette()));
}

void useStyle(const QString& name)
{
    if (QApplication::style()->name().compare(name, Qt::CaseInsensitive) != 0)
        QApplication::setStyle(name);
}

} // namespace

QString themeName(Theme theme)
{
    switch (theme) {
    case Theme::Light:
        return QStringLiteral("light");
    case Theme::Dark:
        return QStringLiteral("dark");
    case Theme::System:
        break;
    }
    return QStringLiteral("system");
}

Theme themeFromName(const QString& name)
{
    if (name == QLatin1String("light"))
        return Theme::Light;
    if (name == QLatin1String("dark"))
        return Theme::Dark;
    return Theme::System;
}

QPalette lightPalette()
{
    QStyle* fusion = QStyleFactory::create(kFusion);
    const QPalette palette = fusion ? fusion->standardPalette() : QApplication::style()->standardPalette();
    delete fusion;
    return palette;
}

QPalette darkPalette()
{
    const QColor window(0x35, 0x35, 0x35);
    const QColor base(0x24, 0x24, 0x24);
    const QColor text(0xE6, 0xE6, 0xE6);
    const QColor dimText(0x80, 0x80, 0x80);
    QPalette palette(text, window, QColor(0x50, 0x50, 0x50), QColor(0x20, 0x20, 0x20), QColor(0x2C, 0x2C, 0x2C),
                     text, QColor(0xFF, 0x60, 0x60), base, window);
    palette.setColor(QPalette::Midlight, QColor(0x42, 0x42, 0x42));
    palette.setColor(QPalette::Shadow, QColor(0x14, 0x14, 0x14));
    palette.setColor(QPalette::AlternateBase, QColor(0x2E, 0x2E, 0x2E));
    palette.setColor(QPalette::ToolTipBase, QColor(0x40, 0x40, 0x40));
    palette.setColor(QPalette::ToolTipText, text);
    palette.setColor(QPalette::Highlight, QColor(0x2F, 0x7F, 0xD0));
    palette.setColor(QPalette::HighlightedText, Qt::white);
    palette.setColor(QPalette::Link, QColor(0x6C, 0xB4, 0xF5));
    palette.setColor(QPalette::LinkVisited, QColor(0xB8, 0x94, 0xF0));
    palette.setColor(QPalette::PlaceholderText, QColor(0xA0, 0xA0, 0xA0));
    for (QPalette::ColorRole role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText, QPalette::PlaceholderText})
        palette.setColor(QPalette::Disabled, role, dimText);
    palette.setColor(QPalette::Disabled, QPalette::Highlight, QColor(0x50, 0x50, 0x50));
    palette.setColor(QPalette::Disabled, QPalette::HighlightedText, QColor(0xA0, 0xA0, 0xA0));
    palette.setColor(QPalette::Disabled, QPalette::Base, window);
    return palette;
}

void applyTheme(Theme theme)
{
    recordSystemLook();
    switch (theme) {
    case Theme::System:
        useStyle(qApp->property(kSystemStyleProperty).toString());
        QApplication::setPalette(qApp->property(kSystemPaletteProperty).value<QPalette>());
        break;
    case Theme::Light:
        useStyle(kFusion);
        QApplication::setPalette(lightPalette());
        break;
    case Theme::Dark:
        useStyle(kFusion);
        QApplication::setPalette(darkPalette());
        break;
    }
    qApp->setProperty(kThemeProperty, themeName(theme));
}

Theme currentTheme()
{
    return themeFromName(qApp->property(kThemeProperty).toString());
}

Theme savedTheme()
{
    return themeFromName(QSettings().value(QString::fromLatin1(themeSettingsKey())).toString());
}

void setTheme(Theme theme)
{
    applyTheme(theme);
    // Saved at once, as the other View settings are.
    QSettings settings;
    settings.setValue(QString::fromLatin1(themeSettingsKey()), themeName(theme));
    settings.sync();
}

QMenu* addThemeMenu(QMenu* menu)
{
    QMenu* themes = menu->addMenu(QObject::tr("&Theme"));
    auto* group = new QActionGroup(themes);
    const Theme saved = savedTheme();
    const struct {
        Theme theme;
        QString text;
        QString tip;
        const char* name;
    } choices[] = {
        {Theme::System, QObject::tr("&System"), QObject::tr("The desktop's colours, as at start-up"), "themeSystem"},
        {Theme::Light, QObject::tr("&Light"), QObject::tr("Dark text on light backgrounds"), "themeLight"},
        {Theme::Dark, QObject::tr("&Dark"), QObject::tr("Light text on dark backgrounds, plots too"), "themeDark"},
    };
    for (const auto& choice : choices) {
        QAction* action = themes->addAction(choice.text);
        action->setObjectName(QString::fromLatin1(choice.name));
        action->setStatusTip(choice.tip);
        action->setCheckable(true);
        action->setChecked(choice.theme == saved);
        group->addAction(action);
        const Theme theme = choice.theme;
        QObject::connect(action, &QAction::triggered, themes, [theme] { setTheme(theme); });
    }
    recordSystemLook();
    if (saved != Theme::System || currentTheme() != Theme::System)
        applyTheme(saved); // a first System start leaves the platform's palette untouched
    return themes;
}

} // namespace ddpm::ui
