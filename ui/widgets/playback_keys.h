// Space (play or pause), Left and Right (one step back or forward) anywhere in a page: shortcuts
// of the page and its children (Qt::WidgetWithChildrenShortcut), so they work whichever
// control has the focus (a slider, a button, a plot) except a text field or a spin box, which
// claim these keys for typing (Qt's ShortcutOverride) and keep them.
#pragma once

#include <functional>

class QWidget;

namespace ddpm::ui {

struct PlaybackKeys {
    std::function<void()> togglePlay;
    std::function<void()> stepBack;
    std::function<void()> stepForward;
};

/// Adds the three shortcuts to page (they live as its children and act only while it is shown).
void addPlaybackKeys(QWidget* page, const PlaybackKeys& keys);

} // namespace ddpm::ui
