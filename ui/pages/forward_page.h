// Forward process page: an image noised at t, closed form or Markov chain, strip and histogram.
#pragma once

#include <QWidget>

#include "ddpm/image.h"
#include "schedule_choice.h"

class QSettings;

namespace ddpm::ui {

class ForwardPage : public QWidget {
    Q_OBJECT
public:
    explicit ForwardPage(QWidget* parent = nullptr);
    ~ForwardPage() override;

    /// Opens an image file. On failure shows a dialog (unless quiet) and keeps the current image.
    /// Returns whether the image was opened.
    bool openImage(const QString& path, bool quiet = false);
    /// The loaded image at full resolution, and its file path (":/images/chelsea.png" for the default).
    const ddpm::Image& image() const;
    QString imagePath() const;

    ScheduleChoice schedule() const;
    void setSchedule(const ScheduleChoice& choice);

    void saveSettings(QSettings& settings) const;
    void restoreSettings(const QSettings& settings);

Q_SIGNALS:
    /// A new image was opened (path as imagePath()).
    void imageChanged(const QString& path);
    /// The user picked another schedule on this page.
    void scheduleChanged(const ddpm::ui::ScheduleChoice& choice);
};

} // namespace ddpm::ui
