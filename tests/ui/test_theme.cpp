// Themes, offscreen: View › Theme › Dark puts the dark palette on the application and every
// plot follows it (background, tick labels, a legend over the data), and Light brings the light
// ones back; data colours too dark for a dark background are lightened there and drawn as
// their owner set them again in light; the choice is remembered (QSettings, isolated).
#include <QAction>
#include <QApplication>
#include <QMenuBar>
#include <QSettings>
#include <QtTest>

#include "main_window.h"
#include "pages/bound_page.h"
#include "pages/training_page.h"
#include "theme.h"
#include "ui_test_support.h"
#include "widgets/plot.h"
#include "widgets/plot_style.h"
#include "widgets/training_plots.h"

using ddpm::ui::MainWindow;
using ddpm::ui::Theme;

namespace {

QAction* themeAction(const MainWindow& window, const char* name)
{
    return window.menuBar()->findChild<QAction*>(QString::fromLatin1(name));
}

/// The colour the plot draws at the top-left corner (its background).
QColor cornerColour(QCustomPlot* plot)
{
    return plot->toPixmap(plot->width(), plot->height(), 1.0).toImage().pixelColor(1, 1);
}

void settle(QCustomPlot* plot)
{
    QCoreApplication::processEvents(); // Qt delivers the palette change by events
    plot->replot();
}

} // namespace

class TestTheme : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { ddpm::test::isolateSettings(QStringLiteral("test_theme")); }
    void cleanup() { ddpm::ui::setTheme(Theme::System); }

    void darkAndBackRecoloursPlots()
    {
        MainWindow window;
        window.resize(1200, 800);
        QCustomPlot* bound = window.boundPage()->termsPlot();
        QCustomPlot* loss = window.trainingPage()->plots()->findChild<QCustomPlot*>(QStringLiteral("lossPlot"));
        QVERIFY(bound && loss);
        bound->resize(400, 300);
        QAction* dark = themeAction(window, "themeDark");
        QAction* light = themeAction(window, "themeLight");
        QVERIFY(dark && light && themeAction(window, "themeSystem"));
        QVERIFY(themeAction(window, "themeSystem")->isChecked());

        dark->trigger();
        QCOMPARE(ddpm::ui::currentTheme(), Theme::Dark);
        QVERIFY(dark->isChecked());
        const QPalette darkPalette = ddpm::ui::darkPalette();
        QCOMPARE(QApplication::palette().color(QPalette::Window), darkPalette.color(QPalette::Window));
        settle(bound);
        settle(loss);
        QCOMPARE(bound->xAxis->tickLabelColor(), darkPalette.color(QPalette::Text));
        QCOMPARE(bound->yAxis->labelColor(), darkPalette.color(QPalette::Text));
        QCOMPARE(cornerColour(bound), darkPalette.color(QPalette::Base));
        QCOMPARE(loss->legend->brush().color().rgb(), darkPalette.color(QPalette::Base).rgb());
        QCOMPARE(loss->legend->item(0)->textColor(), darkPalette.color(QPalette::Text));

        light->trigger();
        const QPalette lightPalette = ddpm::ui::lightPalette();
        settle(bound);
        settle(loss);
        QCOMPARE(bound->xAxis->tickLabelColor(), lightPalette.color(QPalette::Text));
        QCOMPARE(cornerColour(bound), lightPalette.color(QPalette::Base));
        QCOMPARE(loss->legend->brush().color().rgb(), lightPalette.color(QPalette::Base).rgb());
        QVERIFY(lightPalette.color(QPalette::Base).lightnessF() > 0.8);
        QVERIFY(darkPalette.color(QPalette::Base).lightnessF() < 0.2);
    }

    void darkDataColoursReadableAndBack()
    {
        QCustomPlot plot;
        plot.resize(300, 200);
        ddpm::ui::followApplicationStyle(&plot);
        const QColor darkGrey(40, 40, 40);
        const QColor blue(31, 119, 180);
        plot.addGraph()->setPen(QPen(darkGrey, 1.5));
        plot.addGraph()->setPen(QPen(blue, 1.5));
        auto* note = new QCPItemText(&plot);
        note->setColor(QColor(90, 90, 90));

        ddpm::ui::setTheme(Theme::Dark);
        settle(&plot);
        QVERIFY(plot.graph(0)->pen().color().lightnessF() > 0.7); // mirrored: light grey
        QCOMPARE(plot.graph(1)->pen().color(), blue);              // readable already: kept
        QVERIFY(note->color().lightnessF() > 0.55);
        // A colour the owner sets while dark is the owner's new colour.
        plot.graph(1)->setPen(QPen(QColor(20, 20, 60), 1.5));
        settle(&plot);
        QVERIFY(plot.graph(1)->pen().color().lightnessF() > 0.7);

        ddpm::ui::setTheme(Theme::Light);
        settle(&plot);
        QCOMPARE(plot.graph(0)->pen().color(), darkGrey);
        QCOMPARE(plot.graph(1)->pen().color(), QColor(20, 20, 60));
        QCOMPARE(note->color(), QColor(90, 90, 90));
        QCOMPARE(plot.graph(0)->pen().widthF(), 1.5);
    }

    void choiceRemembered()
    {
        {
            MainWindow window;
            themeAction(window, "themeDark")->trigger();
            QCOMPARE(QSettings().value(QString::fromLatin1(ddpm::ui::themeSettingsKey())).toString(),
                     QStringLiteral("dark"));
        }
        ddpm::ui::applyTheme(Theme::System); // as a fresh start: the platform's palette
        const QColor systemWindow = QApplication::palette().color(QPalette::Window);
        {
            MainWindow again; // applies the saved theme
            QCOMPARE(ddpm::ui::currentTheme(), Theme::Dark);
            QVERIFY(themeAction(again, "themeDark")->isChecked());
            QCOMPARE(QApplication::palette().color(QPalette::Window), ddpm::ui::darkPalette().color(QPalette::Window));
            themeAction(again, "themeSystem")->trigger();
            QCOMPARE(QApplication::palette().color(QPalette::Window), systemWindow);
        }
        QCOMPARE(QSettings().value(QString::fromLatin1(ddpm::ui::themeSettingsKey())).toString(),
                 QStringLiteral("system"));
    }
};

QTEST_MAIN(TestTheme)
#include "test_theme.moc"
