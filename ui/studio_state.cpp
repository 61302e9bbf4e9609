#include "studio_state.h"

#include <exception>

#include "ddpm/schedule.h"

namespace ddpm::ui {

StudioState::StudioState(QObject* parent)
    : QObject(parent)
{
}

bool StudioState::setSchedule(const ScheduleChoice& choice)
{
    ScheduleChoice resolved;
    try {
        resolved = choice.resolvedBy(choice.build());
    } catch (const std::exception& e) {
        Q_EMIT scheduleRefused(tr("Cannot use the schedule %1: %2").arg(choice.withoutFileSteps().label(), QString::fromUtf8(e.what())));
        return false;
    }
    if (resolved != m_schedule) {
        m_schedule = resolved;
        Q_EMIT scheduleChanged(m_schedule);
    }
    return true;
}

void StudioState::setImage(const ddpm::Image& image, const QString& path)
{
    m_image = image;
    m_imagePath = path;
    Q_EMIT imageChanged(path);
}

void StudioState::offerModel(const QString& spec, const QString& label)
{
    for (int i = 0; i < m_models.size(); ++i) {
        if (m_models[i].spec == spec) {
            m_models.removeAt(i);
            break;
        }
    }
    m_models.prepend({spec, label});
    Q_EMIT modelOffered(spec, label);
}

} // namespace ddpm::ui
