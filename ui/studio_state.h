// What the pages share, so that one choice drives every page that uses it instead of each
// page holding its own: the lesson's noise schedule, the image being noised and the models on
// offer (run folders trained here, checkpoints opened). The main window owns one and connects
// the pages to it; pages never talk to each other. Every schedule control (the Forward page's,
// the Training page's, the Reverse chain page's oracle schedule) edits the shared schedule, and
// the Schedule page's "Use on every page" menu makes one of its compared schedules the shared one.
#pragma once

#include <QList>
#include <QObject>
#include <QString>

#include "ddpm/image.h"
#include "schedule_choice.h"

namespace ddpm::ui {

class StudioState : public QObject {
    Q_OBJECT
public:
    /// A model a page can use: a checkpoint file or a run folder, and how to name it.
    struct Model {
        QString spec;
        QString label;
    };

    explicit StudioState(QObject* parent = nullptr);

    const ScheduleChoice& schedule() const { return m_schedule; }
    /// Makes choice the shared schedule once core builds it (a custom file's T becomes the
    /// file's); emits scheduleChanged only when it differs, so a page that follows the signal
    /// and reports its own change back does not loop. A choice core refuses emits
    /// scheduleRefused with core's reason, changes nothing and returns false.
    bool setSchedule(const ScheduleChoice& choice);

    const ddpm::Image& image() const { return m_image; }
    const QString& imagePath() const { return m_imagePath; }
    /// The image being noised (the Forward page's, evaluated on the Bound page) and its file.
    void setImage(const ddpm::Image& image, const QString& path);

    /// The models offered so far, newest first.
    const QList<Model>& models() const { return m_models; }
    /// Offers a model; one offered before moves to the front under the new label.
    void offerModel(const QString& spec, const QString& label);

Q_SIGNALS:
    void scheduleChanged(const ddpm::ui::ScheduleChoice& choice);
    void scheduleRefused(const QString& message);
    void imageChanged(const QString& path);
    void modelOffered(const QString& spec, const QString& label);

private:
    ScheduleChoice m_schedule;
    ddpm::Image m_image;
    QString m_imagePath;
    QList<Model> m_models;
};

} // namespace ddpm::ui
