// Schedule page, offscreen: graphs equal core's tables, adding and removing schedules, the
// log-axis toggle, normalised t, bad schedules keep the previous list, the hover readout,
// CSV/PNG/PDF export and the settings round trip.
#include <cmath>

#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QLabel>
#include <QMessageBox>
#include <QSettings>
#include <QSignalSpy>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QToolButton>
#include <QTemporaryDir>
#include <QtTest>

#include "ddpm/schedule.h"
#include "ddpm/schedule_io.h"
#include "pages/schedule_page.h"
#include "ui_test_support.h"
#include "widgets/plot.h"
#include "widgets/schedule_selector.h"

using ddpm::NoiseSchedule;
using ddpm::Quantity;
using ddpm::test::closeMessageBoxes;
using ddpm::ui::ScheduleChoice;
using ddpm::ui::SchedulePage;

namespace {

ScheduleChoice choice(const QString& name, int steps, bool zeroTerminalSnr = false)
{
    ScheduleChoice c;
    c.name = name;
    c.steps = steps;
    c.zeroTerminalSnr = zeroTerminalSnr;
    return c;
}

/// Writes `contents` to `path`, replacing the file; returns whether it worked.
bool writeFile(const QString& path, const QByteArray& contents)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(contents) == contents.size();
}

/// Writes a file `name` in dir; returns its path, or an empty string when writing failed.
QString writeFileIn(const QTemporaryDir& dir, const QString& name, const QByteArray& contents)
{
    const QString path = dir.filePath(name);
    return dir.isValid() && writeFile(path, contents) ? path : QString();
}

} // namespace

class TestSchedulePage : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { ddpm::test::isolateSettings(QStringLiteral("test_schedule_page")); }
    // Qt's warnings about the tab chain (a widget of another window, such as a combo box's
    // popup list, put in it) fail the test that caused them.
    void init() { QTest::failOnWarning(QRegularExpression(QStringLiteral("setTabOrder"))); }

    void defaultsAreLinearAndCosine()
    {
        SchedulePage page;
        const QList<ScheduleChoice> shown = page.schedules();
        QCOMPARE(shown.size(), 2);
        QCOMPARE(shown[0], choice(QStringLiteral("linear"), 1000));
        QCOMPARE(shown[1], choice(QStringLiteral("cosine"), 1000));
        QCOMPARE(page.plot()->legend->itemCount(), 2);
        QCOMPARE(page.readout()->rowCount(), 2);
    }

    void addedScheduleMatchesCoreTables_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("steps");
        QTest::addColumn<bool>("zeroTerminalSnr");
        QTest::newRow("quadratic T=1000") << QStringLiteral("quadratic") << 1000 << false;
        QTest::newRow("sigmoid T=250") << QStringLiteral("sigmoid") << 250 << false;
        QTest::newRow("scaled-linear T=4000") << QStringLiteral("scaled-linear") << 4000 << false;
        QTest::newRow("cosine T=50 zero-terminal") << QStringLiteral("cosine") << 50 << true;
    }

    void addedScheduleMatchesCoreTables()
    {
        QFETCH(QString, name);
        QFETCH(int, steps);
        QFETCH(bool, zeroTerminalSnr);
        SchedulePage page;
        QSignalSpy changed(&page, &SchedulePage::schedulesChanged);
        const int before = page.plot()->legend->itemCount();
        QVERIFY(page.addSchedule(choice(name, steps, zeroTerminalSnr)));
        QCOMPARE(changed.count(), 1);
        QCOMPARE(page.schedules().size(), 3);
        QCOMPARE(page.plot()->legend->itemCount(), before + 1);

        const NoiseSchedule expected = NoiseSchedule::fromName(name.toStdString(), steps, zeroTerminalSnr);
        for (Quantity q : SchedulePage::plottedQuantities()) {
            QCPGraph* g = page.graph(2, q);
            QVERIFY(g);
            QCOMPARE(g->dataCount(), steps);
            const std::vector<double>& table = expected.table(q);
            for (int i = 0; i < steps; ++i) {
                const auto point = g->data()->at(i);
                QCOMPARE(point->key, double(i + 1));
                if (std::isfinite(table[i]))
                    QCOMPARE(point->value, table[i]);
                else
                    QVERIFY(std::isnan(point->value)); // -inf log-SNR at alpha_bar_T = 0 is left out
            }
        }
        QCOMPARE(page.graph(2, Quantity::Beta)->name(), choice(name, steps, zeroTerminalSnr).label());
        // Distinct colours.
        QVERIFY(page.graph(2, Quantity::Beta)->pen().color() != page.graph(0, Quantity::Beta)->pen().color());
        QVERIFY(page.graph(2, Quantity::Beta)->pen().color() != page.graph(1, Quantity::Beta)->pen().color());
    }

    void removeKeepsAtLeastOne()
    {
        SchedulePage page;
        QVERIFY(page.removeSchedule(0));
        QCOMPARE(page.schedules(), QList<ScheduleChoice>{choice(QStringLiteral("cosine"), 1000)});
        QCOMPARE(page.plot()->legend->itemCount(), 1);
        QVERIFY(!page.removeSchedule(0));
        QCOMPARE(page.schedules().size(), 1);
        QCOMPARE(page.graph(0, Quantity::AlphaBar)->dataCount(), 1000);
    }

    void rowControls()
    {
        SchedulePage page;
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        auto removeButtons = [&page] {
            QList<QToolButton*> out;
            for (QToolButton* b : page.findChildren<QToolButton*>())
                if (b->text() == QStringLiteral("Remove"))
                    out << b;
            return out;
        };
        QCOMPARE(removeButtons().size(), 2);
        QTest::mouseClick(removeButtons().first(), Qt::LeftButton); // removes its own row
        QCOMPARE(page.schedules(), QList<ScheduleChoice>{choice(QStringLiteral("cosine"), 1000)});
        QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
        QCOMPARE(removeButtons().size(), 1);
        QVERIFY(!removeButtons().first()->isEnabled()); // the last schedule stays

        QPushButton* add = nullptr;
        for (QPushButton* b : page.findChildren<QPushButton*>())
            if (b->text() == QStringLiteral("Add schedule"))
                add = b;
        QVERIFY(add);
        QTest::mouseClick(add, Qt::LeftButton);
        QCOMPARE(page.schedules().size(), 2);
        QCOMPARE(page.schedules()[1], choice(QStringLiteral("linear"), 1000));
        QVERIFY(removeButtons().first()->isEnabled());

        // The new row's T: a good value replots, a bad one is refused and the control reverts.
        const QList<QSpinBox*> spins = page.findChildren<QSpinBox*>();
        QCOMPARE(spins.size(), 2);
        QSpinBox* linearSteps = spins[1];
        linearSteps->setValue(500);
        QCOMPARE(page.schedules()[1], choice(QStringLiteral("linear"), 500));
        QCOMPARE(page.graph(1, Quantity::Beta)->dataCount(), 500);
        QSignalSpy errors(&page, &SchedulePage::errorReported);
        linearSteps->setValue(10);
        QCOMPARE(errors.count(), 1);
        QCOMPARE(linearSteps->value(), 500);
        QCOMPARE(page.schedules()[1], choice(QStringLiteral("linear"), 500));
        QCOMPARE(closeMessageBoxes(&page), 1);
    }

    void logAxisToggle()
    {
        SchedulePage page;
        QCPAxis* betaY = page.graph(0, Quantity::Beta)->valueAxis();
        QCOMPARE(betaY->scaleType(), QCPAxis::stLinear);
        page.setLogY(true);
        betaY = page.graph(0, Quantity::Beta)->valueAxis();
        QCOMPARE(betaY->scaleType(), QCPAxis::stLogarithmic);
        QVERIFY(betaY->range().lower > 0.0);
        QVERIFY(betaY->range().lower <= 1e-4 && betaY->range().upper >= 0.02);
        QCOMPARE(page.graph(0, Quantity::AlphaBar)->valueAxis()->scaleType(), QCPAxis::stLogarithmic);
        // log-SNR is already logarithmic: its axis stays linear.
        QCOMPARE(page.graph(0, Quantity::LogSnr)->valueAxis()->scaleType(), QCPAxis::stLinear);
        page.setLogY(false);
        QCOMPARE(page.graph(0, Quantity::Beta)->valueAxis()->scaleType(), QCPAxis::stLinear);
    }

    void logAxisLeavesOutZero()
    {
        // Zero-terminal SNR makes alpha_bar_T = 0: no point may sit at 0 on a log axis.
        SchedulePage page;
        QVERIFY(page.setSchedules({choice(QStringLiteral("linear"), 1000, true)}));
        page.setLogY(true);
        QCPGraph* g = page.graph(0, Quantity::AlphaBar);
        QCOMPARE(g->dataCount(), 1000);
        QVERIFY(std::isnan(g->data()->at(999)->value));
        QVERIFY(g->data()->at(998)->value > 0.0);
        QVERIFY(g->valueAxis()->range().lower > 0.0);
    }

    void normalisedT()
    {
        SchedulePage page;
        QVERIFY(page.setSchedules({choice(QStringLiteral("linear"), 1000), choice(QStringLiteral("cosine"), 200)}));
        // All of t and a little past T (so t = T can be hovered).
        const QCPRange tRange = page.graph(0, Quantity::Beta)->keyAxis()->range();
        QVERIFY2(tRange.upper >= 1000.0 && tRange.upper <= 1030.0, qPrintable(QString::number(tRange.upper)));
        page.setNormalisedT(true);
        QCPGraph* cosine = page.graph(1, Quantity::Beta);
        QCOMPARE(cosine->dataCount(), 200);
        QCOMPARE(cosine->data()->at(0)->key, 1.0 / 200);
        QCOMPARE(cosine->data()->at(199)->key, 1.0);
        QVERIFY(cosine->keyAxis()->range().upper >= 1.0 && cosine->keyAxis()->range().upper <= 1.03);
    }

    void viewChooser()
    {
        SchedulePage page;
        page.setView(SchedulePage::View::LogSnr);
        QVERIFY(page.graph(0, Quantity::LogSnr));
        QVERIFY(!page.graph(0, Quantity::Beta));
        QCOMPARE(page.plot()->axisRects().size(), 1);
        page.setView(SchedulePage::View::Grid);
        QCOMPARE(page.plot()->axisRects().size(), 5);
        for (Quantity q : SchedulePage::plottedQuantities())
            QVERIFY(page.graph(1, q));
        QCOMPARE(page.plot()->legend->itemCount(), 2);
    }

    void badScheduleKeepsPreviousList_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("steps");
        QTest::newRow("linear T=10 (beta above 1)") << QStringLiteral("linear") << 10;
        QTest::newRow("unknown name") << QStringLiteral("warp") << 1000;
        QTest::newRow("missing custom file") << QStringLiteral("custom:/nonexistent/betas.txt") << 100;
        QTest::newRow("T = 0") << QStringLiteral("cosine") << 0;
    }

    void badScheduleKeepsPreviousList()
    {
        QFETCH(QString, name);
        QFETCH(int, steps);
        SchedulePage page;
        const QList<ScheduleChoice> before = page.schedules();
        QSignalSpy errors(&page, &SchedulePage::errorReported);
        QSignalSpy changed(&page, &SchedulePage::schedulesChanged);

        QVERIFY(!page.addSchedule(choice(name, steps)));
        QCOMPARE(errors.count(), 1);
        QCOMPARE(page.schedules(), before);
        QCOMPARE(page.plot()->legend->itemCount(), 2);
        QCOMPARE(closeMessageBoxes(&page), 1);

        QVERIFY(!page.setSchedules({choice(QStringLiteral("cosine"), 500), choice(name, steps)}));
        QCOMPARE(page.schedules(), before);
        QVERIFY(!page.setScheduleAt(1, choice(name, steps)));
        QCOMPARE(page.schedules(), before);
        QCOMPARE(page.graph(1, Quantity::Beta)->dataCount(), 1000);
        QCOMPARE(errors.count(), 3);
        QCOMPARE(changed.count(), 0);
        QCOMPARE(closeMessageBoxes(&page), 2);
        // The message names the problem.
        QVERIFY(!errors.first().first().toString().isEmpty());
    }

    void badCustomFileValue()
    {
        QTemporaryDir dir;
        const QString path = writeFileIn(dir, QStringLiteral("betas.txt"), "0.01\n0.02\n1.5\n");
        QVERIFY(!path.isEmpty());
        SchedulePage page;
        QSignalSpy errors(&page, &SchedulePage::errorReported);
        QVERIFY(!page.setScheduleAt(0, choice(QStringLiteral("custom:") + path, 3)));
        QCOMPARE(errors.count(), 1);
        QVERIFY(errors.first().first().toString().contains(QStringLiteral("1.5")));
        QCOMPARE(page.schedules().first(), choice(QStringLiteral("linear"), 1000));
        closeMessageBoxes(&page);

        // A good custom file is plotted as given.
        QVERIFY(writeFile(path, "# three betas\n0.01\n0.02\n0.5\n"));
        QVERIFY(page.setScheduleAt(0, choice(QStringLiteral("custom:") + path, 3)));
        QCOMPARE(page.graph(0, Quantity::Beta)->dataCount(), 3);
        QCOMPARE(page.graph(0, Quantity::Beta)->data()->at(2)->value, 0.5);
    }

    void hoverReadout()
    {
        SchedulePage page;
        QVERIFY(page.setSchedules({choice(QStringLiteral("linear"), 1000), choice(QStringLiteral("cosine"), 100)}));
        page.showValuesAt(250.2);
        QTableWidget* table = page.readout();
        QCOMPARE(table->rowCount(), 2);
        QCOMPARE(table->item(0, 1)->text(), QStringLiteral("250"));
        const NoiseSchedule linear = NoiseSchedule::fromName("linear", 1000);
        QCOMPARE(table->item(0, 2)->text().toDouble(), QString::number(linear.beta(250), 'g', 6).toDouble());
        QCOMPARE(table->item(0, 3)->text(), QString::number(linear.alphaBar(250), 'g', 6));
        // t = 250 is past the cosine schedule's T = 100.
        QCOMPARE(table->item(1, 1)->text(), QStringLiteral("beyond T"));

        page.setNormalisedT(true);
        page.showValuesAt(0.5);
        QCOMPARE(table->item(0, 1)->text(), QStringLiteral("500"));
        QCOMPARE(table->item(1, 1)->text(), QStringLiteral("50"));
        const NoiseSchedule cosine = NoiseSchedule::fromName("cosine", 100);
        QCOMPARE(table->item(1, 4)->text(), QString::number(cosine.at(Quantity::SqrtAlphaBar, 50), 'g', 6));
    }

    void customFileSetsT()
    {
        // 200 betas: the file's T everywhere (legend, readout, the row's T box), whatever T
        // the choice carried.
        QTemporaryDir dir;
        QByteArray betas;
        for (int i = 0; i < 200; ++i)
            betas += QByteArray::number(0.0001 + 0.0001 * i) + '\n';
        const QString path = writeFileIn(dir, QStringLiteral("betas200.txt"), betas);
        QVERIFY(!path.isEmpty());
        SchedulePage page;
        QVERIFY(page.setScheduleAt(0, choice(QStringLiteral("custom:") + path, 1000)));
        QCOMPARE(page.schedules()[0].steps, 200);
        QCOMPARE(page.graph(0, Quantity::Beta)->dataCount(), 200);
        const QString name = page.graph(0, Quantity::Beta)->name();
        QVERIFY2(name.contains(QStringLiteral("T = 200")) && !name.contains(QStringLiteral("1000")), qPrintable(name));
        page.showValuesAt(200);
        const QString row = page.readout()->item(0, 0)->text();
        QVERIFY2(row.contains(QStringLiteral("T = 200")) && !row.contains(QStringLiteral("1000")), qPrintable(row));
        QCOMPARE(page.readout()->item(0, 1)->text(), QStringLiteral("200"));
        // The row's T box shows the file's T and cannot be edited; the named row's can.
        const QList<ddpm::ui::ScheduleSelector*> selectors = page.findChildren<ddpm::ui::ScheduleSelector*>();
        QCOMPARE(selectors.size(), 2);
        QSpinBox* customSteps = selectors[0]->findChild<QSpinBox*>();
        QSpinBox* namedSteps = selectors[1]->findChild<QSpinBox*>();
        QCOMPARE(customSteps->value(), 200);
        QVERIFY(customSteps->isReadOnly());
        QVERIFY(!namedSteps->isReadOnly());
        QCOMPARE(selectors[0]->choice().steps, 0); // "from the file", not what the box held
        QCOMPARE(closeMessageBoxes(&page), 0);
    }

    void customFileErrorNamesNoT()
    {
        // A bad 3-line file: the message names the file, not a T it never had, and starts with a capital.
        QTemporaryDir dir;
        const QString path = writeFileIn(dir, QStringLiteral("three.txt"), "0.01\n0.02\nabc\n");
        QVERIFY(!path.isEmpty());
        SchedulePage page;
        QSignalSpy errors(&page, &SchedulePage::errorReported);
        QVERIFY(!page.setScheduleAt(0, choice(QStringLiteral("custom:") + path, 1000)));
        QCOMPARE(errors.count(), 1);
        const QString message = errors.first().first().toString();
        QVERIFY2(!message.contains(QStringLiteral("T = ")), qPrintable(message));
        QVERIFY2(message.contains(QStringLiteral("three.txt")), qPrintable(message));
        const QList<QMessageBox*> boxes = page.findChildren<QMessageBox*>();
        QCOMPARE(boxes.size(), 1);
        QVERIFY2(boxes.front()->text().front().isUpper(), qPrintable(boxes.front()->text()));
        QCOMPARE(closeMessageBoxes(&page), 1);
    }

    void hoverReachesT()
    {
        // The last pixels of a plot read t = T (they read T - 3 when the axis ended at T).
        SchedulePage page;
        page.resize(1000, 700);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        page.plot()->replot();
        QCPAxisRect* rect = page.graph(0, Quantity::Beta)->keyAxis()->axisRect();
        const QPoint lastPixel(rect->rect().right(), rect->rect().center().y());
        QMouseEvent move(QEvent::MouseMove, QPointF(lastPixel), page.plot()->mapToGlobal(QPointF(lastPixel)), Qt::NoButton,
                         Qt::NoButton, Qt::NoModifier);
        QCoreApplication::sendEvent(page.plot(), &move);
        QCOMPARE(page.readout()->item(0, 1)->text(), QStringLiteral("1000"));
        QCOMPARE(page.readout()->item(0, 3)->text(),
                 QString::number(NoiseSchedule::fromName("linear", 1000).alphaBar(1000), 'g', 6));
    }

    void hintMatchesTheMouse()
    {
        // Dragging pans and the wheel zooms; the hint says so.
        SchedulePage page;
        QVERIFY(page.plot()->interactions().testFlag(QCP::iRangeDrag));
        QVERIFY(page.plot()->interactions().testFlag(QCP::iRangeZoom));
        auto* hint = page.findChild<QLabel*>(QStringLiteral("plotHint"));
        QVERIFY(hint);
        QVERIFY2(hint->text().contains(QStringLiteral("drag to pan"), Qt::CaseInsensitive), qPrintable(hint->text()));
        QVERIFY2(hint->text().contains(QStringLiteral("Scroll on a plot to zoom")), qPrintable(hint->text()));
    }

    void logYDisabledForLogSnr()
    {
        SchedulePage page;
        QCheckBox* logY = nullptr;
        for (QCheckBox* box : page.findChildren<QCheckBox*>())
            if (box->text() == QStringLiteral("logarithmic"))
                logY = box;
        QVERIFY(logY);
        QVERIFY(logY->isEnabled());
        page.setView(SchedulePage::View::LogSnr);
        QVERIFY(!logY->isEnabled());
        QVERIFY2(logY->toolTip().contains(QStringLiteral("already")), qPrintable(logY->toolTip()));
        page.setView(SchedulePage::View::AlphaBar);
        QVERIFY(logY->isEnabled());
    }

    void logAxisShowsTheSmallestValue()
    {
        // Cosine's alpha_bar_T is about 2.4e-9: the log axis reaches below it.
        SchedulePage page;
        QVERIFY(page.setSchedules({choice(QStringLiteral("cosine"), 1000), choice(QStringLiteral("linear"), 1000)}));
        page.setLogY(true);
        const double smallest = NoiseSchedule::fromName("cosine", 1000).alphaBar(1000);
        QVERIFY(smallest > 0.0 && smallest < 1e-8);
        const QCPRange range = page.graph(0, Quantity::AlphaBar)->valueAxis()->range();
        QVERIFY2(range.lower < smallest, qPrintable(QStringLiteral("%1 vs %2").arg(range.lower).arg(smallest)));
        QVERIFY(range.upper >= 1.0);
    }

    void rowsLineUp()
    {
        // A custom row (a long file name) keeps its T box, checkbox and Remove button in line.
        QTemporaryDir dir;
        const QString path = writeFileIn(dir, QStringLiteral("a_rather_long_custom_schedule_name.txt"), "0.01\n0.02\n0.5\n");
        QVERIFY(!path.isEmpty());
        SchedulePage page;
        QVERIFY(page.addSchedule(choice(QStringLiteral("custom:") + path, 0)));
        page.resize(1100, 760);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        const QList<ddpm::ui::ScheduleSelector*> selectors = page.findChildren<ddpm::ui::ScheduleSelector*>();
        QCOMPARE(selectors.size(), 3);
        auto xOf = [&page](QWidget* w) { return w->mapTo(&page, QPoint(0, 0)).x(); };
        QList<QToolButton*> removes;
        for (QToolButton* b : page.findChildren<QToolButton*>())
            if (b->text() == QStringLiteral("Remove"))
                removes << b;
        QCOMPARE(removes.size(), 3);
        for (int i = 1; i < 3; ++i) {
            QCOMPARE(xOf(selectors[i]->findChild<QSpinBox*>()), xOf(selectors[0]->findChild<QSpinBox*>()));
            QCOMPARE(xOf(selectors[i]->findChild<QCheckBox*>()), xOf(selectors[0]->findChild<QCheckBox*>()));
            QCOMPARE(xOf(removes[i]), xOf(removes[0]));
        }
    }

    void tabWalksRowsInOrderBeforeTheView()
    {
        // Rows made after the page's other controls (an added one) still come in list order,
        // each row's controls left to right, then Add and "Use on every page", then the View box.
        SchedulePage page;
        QVERIFY(page.addSchedule(choice(QStringLiteral("sigmoid"), 1000)));
        page.resize(1100, 760);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        QApplication::setActiveWindow(&page);
        const QList<ddpm::ui::ScheduleSelector*> selectors = page.findChildren<ddpm::ui::ScheduleSelector*>();
        QCOMPARE(selectors.size(), 3);
        auto* first = selectors[0]->findChild<QComboBox*>();
        QVERIFY(first);
        first->setFocus(Qt::TabFocusReason);
        QList<QWidget*> walk{first};
        for (int i = 0; i < 40; ++i) {
            QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
            walk << QApplication::focusWidget();
        }
        auto indexOf = [&walk](QWidget* w) {
            for (int i = 0; i < walk.size(); ++i)
                if (walk[i] == w || (w && w->focusProxy() == walk[i]))
                    return i;
            return -1;
        };
        int last = -1;
        for (ddpm::ui::ScheduleSelector* selector : selectors) {
            for (QWidget* w : {static_cast<QWidget*>(selector->findChild<QComboBox*>()),
                               static_cast<QWidget*>(selector->findChild<QSpinBox*>()),
                               static_cast<QWidget*>(selector->findChild<QCheckBox*>())}) {
                const int at = indexOf(w);
                QVERIFY2(at > last, qPrintable(QStringLiteral("%1 at %2 after %3").arg(w->metaObject()->className()).arg(at).arg(last)));
                last = at;
            }
        }
        QPushButton* add = nullptr;
        for (QPushButton* b : page.findChildren<QPushButton*>())
            if (b->text() == QStringLiteral("Add schedule"))
                add = b;
        QVERIFY(add);
        auto* use = page.findChild<QToolButton*>(QStringLiteral("useSchedule"));
        QVERIFY(use);
        QVERIFY(indexOf(add) > last);
        QVERIFY(indexOf(use) == indexOf(add) + 1);
        // The View box's first control (the quantity chooser) comes after them.
        QComboBox* view = nullptr;
        for (QComboBox* c : page.findChildren<QComboBox*>())
            if (!qobject_cast<ddpm::ui::ScheduleSelector*>(c->parentWidget()))
                view = view ? view : c;
        QVERIFY(view);
        QVERIFY2(indexOf(view) > indexOf(use), qPrintable(QStringLiteral("view at %1, use at %2").arg(indexOf(view)).arg(indexOf(use))));
    }

    void fiveSchedulesKeepPlotsReadable()
    {
        // The page at the default window's size with five schedules: every plot stays tall
        // enough to read (the rows and the readout scroll instead of growing).
        SchedulePage page;
        for (const char* name : {"quadratic", "sigmoid", "scaled-linear"})
            QVERIFY(page.addSchedule(choice(QString::fromLatin1(name), 1000)));
        QCOMPARE(page.schedules().size(), 5);
        page.resize(1110, 740);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        QCoreApplication::processEvents();
        page.plot()->replot();
        for (Quantity q : SchedulePage::plottedQuantities()) {
            const int height = page.graph(0, q)->keyAxis()->axisRect()->rect().height();
            QVERIFY2(height >= 150, qPrintable(QStringLiteral("%1: %2 px").arg(ddpm::quantityName(q)).arg(height)));
        }
    }

    void plotExportLeavesOutTheHover()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        SchedulePage page;
        page.resize(1000, 700);
        const QString clean = dir.filePath(QStringLiteral("clean.png"));
        const QString hovered = dir.filePath(QStringLiteral("hovered.png"));
        QVERIFY(page.exportPlot(clean));
        page.showValuesAt(500); // hover line and tracers on every plot
        QVERIFY(page.exportPlot(hovered));
        const QImage a(clean), b(hovered);
        QVERIFY(!a.isNull());
        QCOMPARE(a.size(), b.size());
        QVERIFY(a.convertToFormat(QImage::Format_RGB32) == b.convertToFormat(QImage::Format_RGB32));
        // The caption: every schedule with its T, as text under the plot and as PNG text.
        const QString caption = b.text(QStringLiteral("Description"));
        QVERIFY2(caption.contains(QStringLiteral("linear, T = 1000")) && caption.contains(QStringLiteral("cosine, T = 1000")),
                 qPrintable(caption));
        QCOMPARE(caption, page.figureCaption());
        // The exported figure is taller than the plot by the caption line.
        QVERIFY(a.height() > 2 * page.plot()->height());
    }

    void csvExport()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        SchedulePage page;
        QVERIFY(page.setSchedules({choice(QStringLiteral("linear"), 25), choice(QStringLiteral("cosine"), 30, true)}));
        const QString path = dir.filePath(QStringLiteral("schedules.csv"));
        QVERIFY(page.exportCsv(path));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QStringList lines = QString::fromUtf8(file.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 1 + 25 + 30);

        const NoiseSchedule linear = NoiseSchedule::fromName("linear", 25);
        const NoiseSchedule cosine = NoiseSchedule::fromName("cosine", 30, true);
        const QStringList coreLinear = QString::fromStdString(ddpm::scheduleToCsv(linear)).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        const QStringList coreCosine = QString::fromStdString(ddpm::scheduleToCsv(cosine)).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(lines[0], QStringLiteral("schedule,steps,zero_terminal_snr,") + coreLinear[0]);
        QVERIFY(lines[0].startsWith(QStringLiteral("schedule,steps,zero_terminal_snr,t,beta,alpha,alpha_bar,")));
        QCOMPARE(lines[1], QStringLiteral("linear,25,0,") + coreLinear[1]);
        QCOMPARE(lines[25], QStringLiteral("linear,25,0,") + coreLinear[25]);
        QCOMPARE(lines[26], QStringLiteral("cosine,30,1,") + coreCosine[1]);
        QCOMPARE(lines[55], QStringLiteral("cosine,30,1,") + coreCosine[30]);
        // Full precision: beta at t = 7 reads back bit for bit.
        const QStringList fields = lines[7].split(QLatin1Char(','));
        QCOMPARE(fields[3], QStringLiteral("7"));
        QCOMPARE(fields[4].toDouble(), linear.beta(7));
    }

    void csvQuotesCustomPath()
    {
        QTemporaryDir dir;
        const QString path = writeFileIn(dir, QStringLiteral("a,b.txt"), "0.1\n0.2\n");
        QVERIFY(!path.isEmpty());
        SchedulePage page;
        QVERIFY(page.setSchedules({choice(QStringLiteral("custom:") + path, 2)}));
        const QStringList lines = page.csvText().split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 3);
        QVERIFY(lines[1].startsWith(QStringLiteral("\"custom:") + path + QStringLiteral("\",2,0,1,0.10000000000000001,")));
    }

    void plotExport()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        SchedulePage page;
        page.resize(1000, 700);
        const QString png = dir.filePath(QStringLiteral("plot.png"));
        const QString pdf = dir.filePath(QStringLiteral("plot.pdf"));
        QVERIFY(page.exportPlot(png));
        QVERIFY(page.exportPlot(pdf));
        QImage image(png);
        QVERIFY(!image.isNull());
        QVERIFY(image.width() > 100);
        QFile pdfFile(pdf);
        QVERIFY(pdfFile.open(QIODevice::ReadOnly));
        QVERIFY(pdfFile.read(5).startsWith("%PDF"));
    }

    void settingsRoundTrip()
    {
        const QList<ScheduleChoice> shown = {choice(QStringLiteral("sigmoid"), 300),
                                             choice(QStringLiteral("cosine"), 2000, true),
                                             choice(QStringLiteral("scaled-linear"), 1000)};
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString iniPath = dir.filePath(QStringLiteral("settings.ini"));
        {
            SchedulePage page;
            QVERIFY(page.setSchedules(shown));
            page.setLogY(true);
            page.setNormalisedT(true);
            page.setView(SchedulePage::View::SqrtOneMinusAlphaBar);
            QSettings settings(iniPath, QSettings::IniFormat);
            page.saveSettings(settings);
            settings.sync();
            QVERIFY(settings.allKeys().contains(QStringLiteral("schedule/schedules")));
            for (const QString& key : settings.allKeys())
                QVERIFY2(key.startsWith(QStringLiteral("schedule/")), qPrintable(key));
        }
        SchedulePage restored;
        QCOMPARE(restored.schedules().size(), 2); // defaults before restoring
        const QSettings settings(iniPath, QSettings::IniFormat);
        restored.restoreSettings(settings);
        QCOMPARE(restored.schedules(), shown);
        QVERIFY(restored.logY());
        QVERIFY(restored.normalisedT());
        QCOMPARE(restored.view(), SchedulePage::View::SqrtOneMinusAlphaBar);
        QCOMPARE(restored.graph(1, Quantity::SqrtOneMinusAlphaBar)->dataCount(), 2000);
        QCOMPARE(restored.graph(1, Quantity::SqrtOneMinusAlphaBar)->valueAxis()->scaleType(), QCPAxis::stLogarithmic);
        QCOMPARE(closeMessageBoxes(&restored), 0);
    }

    void settingsSkipVanishedCustomFile()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString iniPath = dir.filePath(QStringLiteral("settings.ini"));
        {
            QSettings settings(iniPath, QSettings::IniFormat);
            QVariantMap gone{{QStringLiteral("name"), QStringLiteral("custom:/nonexistent/betas.txt")},
                             {QStringLiteral("steps"), 3},
                             {QStringLiteral("zeroTerminalSnr"), false}};
            QVariantMap cosine{{QStringLiteral("name"), QStringLiteral("cosine")},
                               {QStringLiteral("steps"), 400},
                               {QStringLiteral("zeroTerminalSnr"), false}};
            settings.setValue(QStringLiteral("schedule/schedules"), QVariantList{gone, cosine});
        }
        SchedulePage page;
        QSignalSpy errors(&page, &SchedulePage::errorReported);
        page.restoreSettings(QSettings(iniPath, QSettings::IniFormat));
        QCOMPARE(page.schedules(), QList<ScheduleChoice>{choice(QStringLiteral("cosine"), 400)});
        QCOMPARE(errors.count(), 1);
        QCOMPARE(closeMessageBoxes(&page), 1);
    }

    void largeT()
    {
        SchedulePage page;
        QVERIFY(page.setSchedules({choice(QStringLiteral("cosine"), NoiseSchedule::kMaxSteps)}));
        QCOMPARE(page.graph(0, Quantity::LogSnr)->dataCount(), NoiseSchedule::kMaxSteps);
        page.showValuesAt(NoiseSchedule::kMaxSteps);
        QCOMPARE(page.readout()->item(0, 1)->text(), QString::number(NoiseSchedule::kMaxSteps));
    }
};

QTEST_MAIN(TestSchedulePage)
#include "test_schedule_page.moc"
