#include "widgets/playback_keys.h"

#include <QKeySequence>
#include <QShortcut>
#include <QWidget>

namespace ddpm::ui {

void addPlaybackKeys(QWidget* page, const PlaybackKeys& keys)
{
    const auto add = [page](Qt::Key key, const std::function<void()>& action, const char* name) {
        auto* shortcut = new QShortcut(QKeySequence(key), page);
        shortcut->setObjectName(QLatin1String(name));
        shortcut->setContext(Qt::WidgetWithChildrenShortcut);
        shortcut->setAutoRepeat(key != Qt::Key_Space); // held arrows keep stepping
        QObject::connect(shortcut, &QShortcut::activated, page, action);
        return shortcut;
    };
    add(Qt::Key_Space, keys.togglePlay, "playPauseKey");
    add(Qt::Key_Left, keys.stepBack, "stepBackKey");
    add(Qt::Key_Right, keys.stepForward, "stepForwardKey");
}

} // namespace ddpm::ui
