// Play over t, offscreen: a SliderPlayer moves its slider up step by step at its speed and
// stops at the end (Play there starts again from the start); on the Forward page Play walks
// t up to T, Space plays and pauses, and leaving the page pauses.
#include <QPushButton>
#include <QSignalSpy>
#include <QSlider>
#include <QtTest>

#include "pages/forward_page.h"
#include "schedule_choice.h"
#include "ui_test_support.h"
#include "widgets/slider_player.h"

using ddpm::ui::ForwardPage;
using ddpm::ui::SliderPlayer;

namespace {
constexpr int kWaitMs = 20000;
}

class TestSliderPlayer : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { ddpm::test::isolateSettings(QStringLiteral("test_slider_player")); }

    void playsUpToTheEndAndStops()
    {
        QSlider slider(Qt::Horizontal);
        slider.setRange(1, 60);
        slider.setValue(5);
        SliderPlayer player(&slider);
        player.setSpeed(250);
        QCOMPARE(player.speed(), 250);
        QSignalSpy playing(&player, &SliderPlayer::playingChanged);
        QList<int> values;
        connect(&slider, &QSlider::valueChanged, this, [&values](int v) { values << v; });

        QTest::mouseClick(player.playButton(), Qt::LeftButton);
        QVERIFY(player.isPlaying());
        QCOMPARE(player.playButton()->text(), QStringLiteral("Pause"));
        QTRY_VERIFY_WITH_TIMEOUT(!player.isPlaying(), kWaitMs);
        QCOMPARE(slider.value(), 60);
        QCOMPARE(player.playButton()->text(), QStringLiteral("Play"));
        QCOMPARE(playing.count(), 2);
        QVERIFY(values.size() >= 2); // several steps, not one jump
        for (int i = 1; i < values.size(); ++i)
            QVERIFY(values[i] > values[i - 1]);

        // Play at the end starts again from the start.
        values.clear();
        player.play();
        QVERIFY(player.isPlaying());
        QCOMPARE(values.value(0), 1);
        player.pause();
        QVERIFY(!player.isPlaying());
        const int paused = slider.value();
        QTest::qWait(150);
        QCOMPARE(slider.value(), paused);
    }

    void speedIsTheNearestOffered()
    {
        QSlider slider;
        SliderPlayer player(&slider);
        QCOMPARE(player.speed(), SliderPlayer::kDefaultSpeed);
        player.setSpeed(90);
        QCOMPARE(player.speed(), 100);
        player.setSpeed(1);
        QCOMPARE(player.speed(), SliderPlayer::speeds().front());
        player.setSpeed(100000);
        QCOMPARE(player.speed(), SliderPlayer::speeds().back());
    }

    void forwardPagePlaysT()
    {
        ForwardPage page;
        page.setErrorHandler([](const QString& message) { QFAIL(qPrintable(message)); });
        ddpm::ui::ScheduleChoice choice;
        choice.name = QStringLiteral("cosine");
        choice.steps = 40;
        page.setSchedule(choice);
        page.setT(1);
        QCOMPARE(page.t(), 1);
        SliderPlayer* player = page.player();
        QVERIFY(player);
        player->setSpeed(250);
        player->play();
        QTRY_VERIFY_WITH_TIMEOUT(!player->isPlaying(), kWaitMs);
        QCOMPARE(page.t(), 40);
        // The last frame computed is the one for t = T.
        QTRY_VERIFY_WITH_TIMEOUT(!page.isRendering(), kWaitMs);
        QCOMPARE(page.frame().t, 40);

        // Space plays and pauses when the page has the keyboard.
        page.setT(1);
        player->setSpeed(10);
        QTest::keyClick(&page, Qt::Key_Space);
        QVERIFY(player->isPlaying());
        QTest::keyClick(&page, Qt::Key_Space);
        QVERIFY(!player->isPlaying());

        // Leaving the page pauses.
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        player->play();
        QVERIFY(player->isPlaying());
        page.hide();
        QVERIFY(!player->isPlaying());
    }
};

QTEST_MAIN(TestSliderPlayer)
#include "test_slider_player.moc"
